package io.dyad.dosm;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.google.common.util.concurrent.AbstractScheduledService;
import com.google.common.util.concurrent.RateLimiter;
import io.dyad.common.DyadException;
import io.dyad.common.InventoryPage;
import io.dyad.coordinator.model.RebalanceInfo;
import io.dyad.coordinator.rebalance.RebalanceLedger;
import io.dyad.coordinator.rebalance.RebalancerLatch;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.rpc.ConnectionPool;
import io.dyad.rpc.StorageNodeClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background rebalancer. When the set of storage pairs changes (a pair added with {@code dyad admin add-pair}
 * joins placement), the DOSM holding the rebalancer latch reads every storage member's inventory, a page at a time,
 * and moves each object that placement now puts on another pair ({@link ObjectMover}). Passes repeat until one moves
 * nothing: an object a DOSM with an older view put on its old pair meanwhile is caught by the next pass.
 *
 * <p>Progress goes to {@code /dyad/rebalance} after every page, so another DOSM resumes where this one stopped. The
 * copying is throttled to a byte rate, and it waits (recording why) while any storage member does not serve: with
 * every member up, no copy needs a hint and every removal reaches both old copies. Meanwhile readers find objects not
 * moved yet by search.
 */
public final class Rebalancer extends AbstractScheduledService {
  private static final Logger LOG = LoggerFactory.getLogger(Rebalancer.class);
  private static final Duration PAUSE_AFTER_FAILURE = Duration.ofSeconds(5);

  private final String instance;
  private final ClusterView view;
  private final RebalancerLatch latch;
  private final RebalanceLedger ledger;
  private final Supplier<ConnectionPool<StorageNodeClient>> pool;
  private final RebalanceSettings settings;
  private final Clock clock;
  private ObjectMover mover;
  /** What this DOSM last recorded or read while it held the latch; null when it does not hold it. */
  private RebalanceInfo progress;
  /** When the placement change was first seen here: moves start a settle time later (views catch up meanwhile). */
  private long settleUntilMillis;
  /** After a failed page, no attempt before this: an unreachable member would be asked 5 times a second. */
  private long pausedUntilMillis;

  public Rebalancer(String instance, ClusterView view, RebalancerLatch latch, RebalanceLedger ledger,
      Supplier<ConnectionPool<StorageNodeClient>> pool, RebalanceSettings settings, Clock clock) {
    this.instance = instance;
    this.view = view;
    this.latch = latch;
    this.ledger = ledger;
    this.pool = pool;
    this.settings = settings;
    this.clock = clock;
  }

  /** Gauges of the cluster's rebalance (as recorded in ZooKeeper, the same on every DOSM) and of this DOSM's part. */
  public void registerMetrics(MetricRegistry metrics) {
    metrics.register("dosm.rebalance.leader", (Gauge<Integer>) () -> latch.leads() ? 1 : 0);
    Function<Function<RebalanceInfo, Number>, Gauge<Number>> recorded =
        f -> () -> view.current().rebalance().map(f).orElse(0);
    metrics.register("dosm.rebalance.running", recorded.apply(r -> r.done() ? 0 : 1));
    metrics.register("dosm.rebalance.waiting", recorded.apply(r -> !r.done() && r.waiting() != null ? 1 : 0));
    metrics.register("dosm.rebalance.pass", recorded.apply(RebalanceInfo::pass));
    metrics.register("dosm.rebalance.scanned", recorded.apply(RebalanceInfo::scanned));
    metrics.register("dosm.rebalance.moved", recorded.apply(RebalanceInfo::moved));
    metrics.register("dosm.rebalance.moved_bytes", recorded.apply(RebalanceInfo::movedBytes));
    metrics.register("dosm.rebalance.kept", recorded.apply(RebalanceInfo::kept));
  }

  @Override
  protected void startUp() throws Exception {
    latch.startAsync().awaitRunning();
    mover = new ObjectMover(pool.get(), RateLimiter.create(settings.bytesPerSecond()));
  }

  @Override
  protected void shutDown() throws Exception {
    latch.stopAsync().awaitTerminated();
  }

  @Override
  protected Scheduler scheduler() {
    return Scheduler.newFixedDelaySchedule(settings.interval().toMillis(), settings.interval().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  protected void runOneIteration() {
    if (clock.millis() < pausedUntilMillis) {
      return;
    }
    try {
      step();
    } catch (DyadException e) {
      // a member went away, ZooKeeper is slow, a newer epoch: the page is tried again from the recorded cursor
      LOG.info("[dosm={}] rebalancing paused: {}; trying again in {} s", instance, e.getMessage(),
          PAUSE_AFTER_FAILURE.toSeconds());
      pause(e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("[dosm={}] rebalancing failed; trying again in {} s", instance, PAUSE_AFTER_FAILURE.toSeconds(), e);
      pause("an internal error (see the DOSM's log)");
    }
  }

  /** Waits a while after a failed page, and records why, for dyad status (if ZooKeeper lets it). */
  private void pause(String why) {
    RebalanceInfo last = progress;
    progress = null;
    pausedUntilMillis = clock.millis() + PAUSE_AFTER_FAILURE.toMillis();
    if (last != null && !last.done() && latch.leads()) {
      try {
        ledger.write(last.waitingFor("retrying after: " + why, instance, clock.millis()), latch.latchPath());
      } catch (DyadException e) {
        LOG.debug("[dosm={}] could not record the pause", instance, e);
      }
    }
  }

  /** One unit of work: a page of one member's inventory, or the start or end of a pass. */
  private void step() throws DyadException {
    if (!latch.leads()) {
      progress = null;
      return;
    }
    ClusterSnapshot s = view.current();
    List<String> members = Placement.members(s); // the order passes read them in
    if (members.isEmpty()) {
      return;
    }
    String placement = Placement.pairIds(s);
    if (progress == null) {
      progress = ledger.read().orElse(null);
    }
    long now = clock.millis();
    if (progress == null || !progress.placement().equals(placement)) {
      if (progress == null) {
        LOG.info("[dosm={}] no rebalance recorded: checking that every object is on its pair of [{}]", instance,
            placement);
      } else {
        LOG.info("[dosm={}] storage pairs are now [{}] (were [{}]): rebalancing", instance, placement,
            progress.placement());
      }
      record(RebalanceInfo.begin(placement, progress == null ? null : progress.placement(), members.get(0), instance,
          now));
      settleUntilMillis = now + settings.settle().toMillis();
      return;
    }
    if (progress.done() || now < settleUntilMillis) {
      return;
    }
    Optional<String> notServing = members.stream().filter(m -> !s.isServing(m)).findFirst();
    if (notServing.isPresent()) {
      String why = "member " + notServing.get() + " does not serve";
      if (!why.equals(progress.waiting())) {
        LOG.info("[dosm={}] rebalancing waits: {}", instance, why);
        record(progress.waitingFor(why, instance, now));
      }
      return;
    }
    boolean known = members.contains(progress.member());
    String member = known ? progress.member() : members.get(0);
    String cursor = known ? progress.cursor() : "";
    InventoryPage page = pool.get().call(Router.address(member, s), ConnectionPool.Retry.SAFE,
        c -> c.inventory(cursor, settings.pageSize()));
    ObjectMover.PageResult moved = mover.movePage(page.entries(), member, s, () -> isRunning() && latch.leads());
    RebalanceInfo after = progress.plus(page.entries().size(), moved.moved(), moved.movedBytes(), moved.kept());
    int next = members.indexOf(member) + 1;
    if (page.nextCursor().isPresent()) {
      record(after.at(member, page.nextCursor().get(), instance, now));
    } else if (next < members.size()) {
      record(after.at(members.get(next), "", instance, now));
    } else if (after.movedInPass() == 0) {
      LOG.info("[dosm={}] rebalancing done after {} passes: {} scanned, {} moved ({} bytes), {} kept", instance,
          after.pass(), after.scanned(), after.moved(), after.movedBytes(), after.kept());
      record(after.finished(instance, now));
    } else {
      LOG.info("[dosm={}] rebalancing pass {} moved {}; another pass checks that nothing is left", instance,
          after.pass(), after.movedInPass());
      record(after.nextPass(members.get(0), instance, now));
    }
  }

  private void record(RebalanceInfo next) throws DyadException {
    ledger.write(next, latch.latchPath());
    progress = next;
  }
}
