package io.dyad.client;

import com.google.common.base.Ticker;
import com.google.common.net.HostAndPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The DDMs a file client uses, and the order in which one call tries them: round robin over those that have not
 * failed in the last few seconds, then those that have. A dead DDM then costs a failed try now and then, not on every
 * other call (which, for a host that is down rather than refusing, would be a connect timeout each time). Thread-safe.
 */
final class DdmOrder {
  /** How long a DDM that could not be reached is tried last. */
  static final Duration SUSPECT_FOR = Duration.ofSeconds(3);
  /** tries of one call at least (with one DDM: once more, on a new connection, after a lost one) */
  static final int MIN_TRIES = 2;

  private final List<HostAndPort> ddms;
  private final Ticker ticker;
  private final AtomicInteger next = new AtomicInteger();
  private final ConcurrentMap<HostAndPort, Long> suspectUntil = new ConcurrentHashMap<>();

  DdmOrder(List<HostAndPort> ddms, Ticker ticker) {
    if (ddms.isEmpty()) {
      throw new IllegalArgumentException("no DDM to use");
    }
    this.ddms = List.copyOf(ddms);
    this.ticker = ticker;
  }

  /** The DDMs for the next call, in the order to try them: each once, at least {@link #MIN_TRIES} tries. */
  List<HostAndPort> plan() {
    int start = next.getAndIncrement();
    long now = ticker.read();
    List<HostAndPort> healthy = new ArrayList<>(ddms.size());
    List<HostAndPort> suspects = new ArrayList<>();
    for (int i = 0; i < ddms.size(); i++) {
      HostAndPort ddm = ddms.get(Math.floorMod(start + i, ddms.size()));
      Long until = suspectUntil.get(ddm);
      (until != null && until - now > 0 ? suspects : healthy).add(ddm);
    }
    healthy.addAll(suspects);
    while (healthy.size() < MIN_TRIES) {
      healthy.add(healthy.get(0));
    }
    return healthy;
  }

  /** {@code ddm} could not be reached, or lost the connection: try it last for a while. */
  void failed(HostAndPort ddm) {
    suspectUntil.put(ddm, ticker.read() + SUSPECT_FOR.toNanos());
  }

  /** {@code ddm} answered: no longer suspect. */
  void answered(HostAndPort ddm) {
    if (!suspectUntil.isEmpty()) {
      suspectUntil.remove(ddm);
    }
  }
}
