package io.dyad.dosm;

import com.google.common.base.Ticker;
import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ObjectId;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hints a put or delete could not record in time: the object (or tombstone) is on one member, its partner failed at
 * commit, and no member that has it answered {@code addHint}. The client was not acknowledged, but the copy it left
 * must not stay without its second copy or a hint: this DOSM tries again now and then, for a while. Bounded and
 * best effort (a DOSM that stops forgets them; a repeated put under the same id completes the copy anyway).
 */
final class PendingHints {
  private static final Logger LOG = LoggerFactory.getLogger(PendingHints.class);
  private static final int MAX_PENDING = 10_000;
  private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(10);

  private record Pending(ObjectId id, String lacking, List<String> holders, long sinceNanos) {}

  private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final Ticker ticker;

  /** @param ticker the time pending hints age by */
  PendingHints(Ticker ticker) {
    this.ticker = ticker;
  }

  /** Remembers that {@code lacking} needs a hint for {@code id} on one of {@code holders}. */
  void add(ObjectId id, String lacking, List<String> holders) {
    if (size.incrementAndGet() > MAX_PENDING) {
      size.decrementAndGet();
      LOG.warn("too many hints waiting to be recorded; {} lacks {} and no hint will be retried", lacking, id);
      return;
    }
    pending.add(new Pending(id, lacking, List.copyOf(holders), ticker.read()));
  }

  /** Tries every pending hint once; returns how many are still pending. */
  int retry(NodeLink nodes, Router router) {
    long now = ticker.read();
    for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (record(p, nodes, router)) {
        it.remove();
        size.decrementAndGet();
        LOG.info("hint that {} lacks {} recorded at last", p.lacking, p.id);
      } else if (now - p.sinceNanos > GIVE_UP_AFTER.toNanos()) {
        it.remove();
        size.decrementAndGet();
        LOG.warn("gave up recording a hint that {} lacks {} on {}; a resync of {} will find it", p.lacking, p.id,
            p.holders, p.lacking);
      }
    }
    return size.get();
  }

  private static boolean record(Pending p, NodeLink nodes, Router router) {
    for (String holder : p.holders) {
      try {
        long epoch = router.snapshot().epoch();
        HostAndPort node = Router.address(holder, router.snapshot());
        nodes.addHint(node, p.lacking, p.id, epoch);
        return true;
      } catch (DyadException e) {
        LOG.debug("hint that {} lacks {} still not recorded on {}: {}", p.lacking, p.id, holder, e.getMessage());
      }
    }
    return false;
  }

  int size() {
    return size.get();
  }
}
