package io.dyad.client;

import com.google.common.base.Ticker;
import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.thrift.GatewayList;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateways a client knows: the addresses it was given, plus those any gateway lists as live
 * ({@code listGateways}), asked for again now and then. Gateways that failed in the last few seconds are tried
 * last. Thread-safe.
 */
final class GatewayDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayDirectory.class);
  private static final long SUSPECT_NANOS = Duration.ofSeconds(3).toNanos();

  /** Asks one gateway for the list. */
  @FunctionalInterface
  interface Lister {
    GatewayList list(HostAndPort gateway) throws DyadException;
  }

  private final List<HostAndPort> seeds;
  private final Lister lister;
  private final long refreshNanos;
  private final Ticker ticker;
  private final ConcurrentMap<HostAndPort, Long> suspects = new ConcurrentHashMap<>();
  private volatile List<HostAndPort> known;
  /** When the list was last asked for (answered or not); meaningless until {@link #asked}. */
  private volatile long refreshedAt;
  private volatile boolean asked;
  private volatile int maxChunkBytes = Integer.MAX_VALUE;
  private volatile List<HostAndPort> directoryGateways = List.of();

  GatewayDirectory(List<HostAndPort> seeds, Lister lister, Duration refreshEvery) {
    this(seeds, lister, refreshEvery, Ticker.systemTicker());
  }

  /** As above, with the time suspicion and the list's age are measured by. */
  GatewayDirectory(List<HostAndPort> seeds, Lister lister, Duration refreshEvery, Ticker ticker) {
    this.seeds = List.copyOf(seeds);
    this.lister = lister;
    this.refreshNanos = refreshEvery.toNanos();
    this.ticker = ticker;
    this.known = this.seeds;
  }

  /**
   * Asks the known gateways, in turn, for the live ones.
   *
   * @throws DyadException UNAVAILABLE if none answered
   */
  void refresh() throws DyadException {
    DyadException last = null;
    Set<HostAndPort> ask = new LinkedHashSet<>(known);
    ask.addAll(seeds);
    for (HostAndPort g : ask) {
      try {
        GatewayList list = lister.list(g);
        List<HostAndPort> live = new ArrayList<>();
        for (String a : list.getObjectGateways()) {
          live.add(HostAndPort.fromString(a));
        }
        if (!live.contains(g)) {
          live.add(g); // it answered, so it is live even if it has not registered yet
        }
        known = List.copyOf(live);
        directoryGateways = list.getDirectoryGateways().stream().map(HostAndPort::fromString).toList();
        maxChunkBytes = list.getMaxChunkBytes();
        markAsked();
        return;
      } catch (DyadException | IllegalArgumentException e) {
        last = e instanceof DyadException d ? d : new DyadException(ErrorCode.INTERNAL, g + " listed a bad address", e);
        suspect(g);
      }
    }
    throw new DyadException(ErrorCode.UNAVAILABLE, "no gateway of " + ask + " answered"
        + (last == null ? "" : ": " + last.getMessage()), last);
  }

  /** The gateways known now, refreshed first if the list is old (a failed refresh keeps the old list). */
  List<HostAndPort> gateways() {
    if (!asked || ticker.read() - refreshedAt > refreshNanos) {
      try {
        refresh();
      } catch (DyadException e) {
        LOG.debug("could not refresh the gateway list: {}", e.getMessage());
        markAsked(); // do not ask on every call while they are all down
      }
    }
    return known;
  }

  private void markAsked() {
    refreshedAt = ticker.read();
    asked = true;
  }

  /** The DDMs the last gateway that listed them named. */
  List<HostAndPort> directoryGateways() {
    return directoryGateways;
  }

  /** The largest chunk the gateways accept, as the last one that listed them said. */
  int maxChunkBytes() {
    return maxChunkBytes;
  }

  /**
   * The {@code n}-th gateway in round-robin order, skipping those that failed in the last few seconds (unless every
   * one did): an operation retries on {@code start}, {@code start + 1}, ...
   */
  HostAndPort pick(int n) {
    List<HostAndPort> all = gateways();
    long now = ticker.read();
    List<HostAndPort> healthy = new ArrayList<>(all.size());
    for (HostAndPort g : all) {
      Long until = suspects.get(g);
      if (until == null || now - until > 0) {
        healthy.add(g);
      }
    }
    List<HostAndPort> from = healthy.isEmpty() ? all : healthy;
    return from.get(Math.floorMod(n, from.size()));
  }

  /** Tries a gateway that just failed last, for a few seconds. */
  void suspect(HostAndPort g) {
    suspects.put(g, ticker.read() + SUSPECT_NANOS);
  }
}
