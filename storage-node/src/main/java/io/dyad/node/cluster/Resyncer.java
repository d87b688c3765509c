package io.dyad.node.cluster;

import com.google.common.base.Ticker;
import com.google.common.net.HostAndPort;
import com.google.common.util.concurrent.AbstractExecutionThreadService;
import com.google.common.util.concurrent.MoreExecutors;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.membership.Registration;
import io.dyad.coordinator.membership.ResyncReporter;
import io.dyad.coordinator.model.FailoverInfo;
import io.dyad.coordinator.model.FailoverState;
import io.dyad.coordinator.model.LiveInfo;
import io.dyad.coordinator.model.ResyncInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.node.store.ObjectStore;
import io.dyad.rpc.StorageNodeClient;
import io.dyad.rpc.ThriftClientConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings this member up to date with its partner.
 *
 * <ul>
 *   <li>When the coordinator marks the member RESYNCING (it came back after a failover, restarted, or came back on
 *       an empty disk), it runs one {@link PartnerSync} pass — hinted objects, an inventory merge, the hints again
 *       — while the node keeps taking new writes, reporting progress in ZooKeeper; then it reports CAUGHT_UP for
 *       its incarnation and the coordinator fails it back. A member that held everything when it stopped and came
 *       back on the same disk needs only the hints (see {@link #onAdmittedData}). The partner need not serve: it
 *       only has to be up (two members that both catch up take what the other holds). One pass per RESYNCING record
 *       and incarnation.
 *   <li>If its disk fills, it stops, reports STALLED with the reason (shown by {@code dyad status}) and tries
 *       again after a growing pause (30 s, doubling to 5 minutes), not from scratch every second.
 *   <li>While serving, it collects hints from its partner every {@code handoffInterval}: objects written while
 *       this member was briefly unreachable without being failed over.
 * </ul>
 */
public final class Resyncer extends AbstractExecutionThreadService {
  private static final Logger LOG = LoggerFactory.getLogger(Resyncer.class);
  private static final Duration REPORT_EVERY = Duration.ofSeconds(1);
  private static final Duration RETRY = Duration.ofMillis(500);
  private static final Duration FIRST_STALL_PAUSE = Duration.ofSeconds(30);
  private static final Duration MAX_STALL_PAUSE = Duration.ofMinutes(5);

  private final String memberId;
  private final ObjectStore store;
  private final ClusterView view;
  private final Registration registration;
  private final ResyncReporter reporter;
  private final ThriftClientConfig clientConfig;
  private final Duration handoffInterval;
  private final Clock clock;
  private final Ticker ticker;
  private final Semaphore wake = new Semaphore(0);
  private final HintSettlement settlement;
  private ClusterView.Subscription subscription;
  /** The RESYNCING record (its epoch) and incarnation this member last reported CAUGHT_UP for. */
  private String caughtUpFor = "";
  private Duration stallPause = FIRST_STALL_PAUSE;
  /** A resync that stalled is not tried again before this time, unless its record changes. */
  private String stalledFor = "";
  /** The record and incarnation being resynced now (or last). */
  private String resyncing = "";
  private long stalledUntilNanos;
  private String waitingFor = "";
  /** the progress of the resync being run now (or last): a retry of the same resync goes on from it */
  private ResyncProgress progress = new ResyncProgress(0, "");

  public Resyncer(String memberId, ObjectStore store, ClusterView view, Registration registration,
      ResyncReporter reporter, ThriftClientConfig clientConfig, Duration handoffInterval, Clock clock,
      HintSettlement settlement) {
    this(memberId, store, view, registration, reporter, clientConfig, handoffInterval, clock, Ticker.systemTicker(),
        settlement);
  }

  /**
   * @param clock the wall time progress reports carry
   * @param ticker the time a stalled resync's pause runs out by
   */
  public Resyncer(String memberId, ObjectStore store, ClusterView view, Registration registration,
      ResyncReporter reporter, ThriftClientConfig clientConfig, Duration handoffInterval, Clock clock, Ticker ticker,
      HintSettlement settlement) {
    this.settlement = settlement;
    this.ticker = ticker;
    this.memberId = memberId;
    this.store = store;
    this.view = view;
    this.registration = registration;
    this.reporter = reporter;
    this.clientConfig = clientConfig;
    this.handoffInterval = handoffInterval;
    this.clock = clock;
  }

  @Override
  protected void startUp() {
    subscription = view.addListener(s -> {
      FailoverInfo f = s.failovers().get(memberId);
      if (f != null && f.state() == FailoverState.RESYNCING) {
        wake.release();
      } else if (s.isServing(memberId) && !settlement.isSettled(s.admitted().get(memberId), registration.current())) {
        wake.release(); // just admitted, or registered again: collect the partner's hints before serving reads
      }
    }, MoreExecutors.directExecutor());
  }

  @Override
  protected void shutDown() {
    subscription.close();
  }

  @Override
  protected void run() throws InterruptedException {
    Duration pause = handoffInterval;
    while (isRunning()) {
      wake.tryAcquire(pause.toMillis(), TimeUnit.MILLISECONDS);
      wake.drainPermits();
      if (!isRunning()) {
        return;
      }
      pause = handoffInterval;
      try {
        step();
      } catch (DyadException e) {
        if (e.code() == ErrorCode.STORAGE_FULL) {
          stalled(e);
        } else {
          LOG.warn("[member={}] resync step failed, will retry: {}", memberId, e.getMessage());
          pause = RETRY;
        }
      }
    }
  }

  @Override
  protected void triggerShutdown() {
    wake.release();
  }

  private void step() throws DyadException {
    ClusterSnapshot s = view.current();
    FailoverInfo f = s.failovers().get(memberId);
    Optional<LiveInfo> me = registration.current();
    if (me.isEmpty() || !registration.mayAcceptWrites()) {
      return;
    }
    if (f != null && f.state() == FailoverState.RESYNCING) {
      String key = f.epoch() + "/" + me.get().incarnation();
      boolean waitingAfterStall = key.equals(stalledFor) && ticker.read() < stalledUntilNanos;
      if (!key.equals(caughtUpFor) && !waitingAfterStall) {
        resyncing = key;
        resync(s, f, me.get(), key);
        stallPause = FIRST_STALL_PAUSE;
      }
    } else if (f == null && s.isServing(memberId)) {
      Optional<LiveInfo> registeredAs = registration.current();
      if (handOffHints(s)) {
        settlement.settle(s.admitted().get(memberId), registeredAs);
      }
    }
  }

  private Optional<StorageNodeClient> connectToPartner(ClusterSnapshot s) throws DyadException {
    Optional<String> partner = s.partnerOf(memberId);
    if (partner.isEmpty() || !s.isLive(partner.get())) {
      waitFor("partner " + partner.orElse("(none)") + " to come up");
      return Optional.empty();
    }
    waitingFor = "";
    HostAndPort target = HostAndPort.fromString(s.members().get(partner.get()).address());
    return Optional.of(StorageNodeClient.connect(target, clientConfig, store.maxChunkBytes()));
  }

  /** Logs what the resync waits for once, when it changes (not on every retry). */
  private void waitFor(String what) {
    if (!what.equals(waitingFor)) {
      waitingFor = what;
      LOG.info("[member={}] resync waits for {}", memberId, what);
    }
  }

  /** @return true if the partner's hints for this member are collected, or the partner is not up to hold any */
  private boolean handOffHints(ClusterSnapshot s) throws DyadException {
    Optional<StorageNodeClient> partner = connectToPartner(s);
    if (partner.isEmpty()) {
      return true;
    }
    try (StorageNodeClient c = partner.get()) {
      ResyncProgress p = new ResyncProgress(0, "");
      new PartnerSync(memberId, store, c, s.epoch(), p, this::isRunning, () -> {}).copyHinted();
      if (p.objects + p.tombstones > 0) {
        LOG.info("[member={}] collected {} hinted object(s) ({} bytes) and {} tombstone(s) from {}", memberId,
            p.objects, p.bytes, p.tombstones, c.target());
      }
      return true;
    }
  }

  private void resync(ClusterSnapshot s, FailoverInfo record, LiveInfo me, String key) throws DyadException {
    Optional<StorageNodeClient> partner = connectToPartner(s);
    if (partner.isEmpty()) {
      return;
    }
    long started = clock.millis();
    if (!progress.key.equals(key)) {
      progress = new ResyncProgress(me.incarnation(), key);
    } else {
      LOG.info("[member={}] resync goes on from {} objects ({} bytes) copied, {}% done", memberId, progress.objects,
          progress.bytes, String.format(java.util.Locale.ROOT, "%.1f", progress.percent));
    }
    ResyncProgress progress = this.progress;
    long[] reportedAt = {0};
    Runnable tick = () -> {
      if (clock.millis() - reportedAt[0] >= REPORT_EVERY.toMillis() && stillResyncing(key)) {
        reportQuietly(progress, ResyncInfo.Phase.RUNNING, null);
        reportedAt[0] = clock.millis();
      }
    };
    try (StorageNodeClient c = partner.get()) {
      LOG.info("[member={} epoch={}] resync from {} started ({})", memberId, s.epoch(), c.target(), record.reason());
      report(progress, ResyncInfo.Phase.RUNNING, null);
      PartnerSync sync = new PartnerSync(memberId, store, c, s.epoch(), progress, () -> isRunning()
          && stillResyncing(key), tick);
      boolean hintsSuffice = record.wasComplete() && onAdmittedData(s);
      sync.copyHinted();
      if (!hintsSuffice) {
        sync.mergeInventories();
      }
      sync.copyHinted();
      if (!isRunning() || !stillResyncing(key)) {
        LOG.info("[member={}] resync stopped: the member is no longer resyncing under this record", memberId);
        return;
      }
      progress.at(100);
      report(progress, ResyncInfo.Phase.CAUGHT_UP, null);
      caughtUpFor = key;
      LOG.info("[member={}] resync caught up: {} objects ({} bytes) copied, {} tombstones, {} examined, in {} ms",
          memberId, progress.objects, progress.bytes, progress.tombstones, progress.examined,
          clock.millis() - started);
    } catch (DyadException e) {
      if (e.code() == ErrorCode.STORAGE_FULL && stillResyncing(key)) {
        reportQuietly(progress, ResyncInfo.Phase.STALLED, e.getMessage() + "; retrying in " + stallPause.toSeconds()
            + " s");
      }
      throw e;
    }
  }

  /**
   * Whether this member runs on the data directory it was last admitted with. Then, if it held everything when it
   * stopped ({@code wasComplete}), everything it lacks now was written while it was away, and every such write left
   * a durable hint on its partner: the hints alone bring it up to date, without comparing inventories.
   */
  private boolean onAdmittedData(ClusterSnapshot s) {
    var admitted = s.admitted().get(memberId);
    return admitted != null && store.dataId().equals(admitted.dataId());
  }

  /** A full disk: say so (once per pause) and wait longer each time before trying this resync again. */
  private void stalled(DyadException e) {
    Duration pause = stallPause;
    LOG.warn("[member={}] resync stalled: {}; trying again in {} s", memberId, e.getMessage(), pause.toSeconds());
    stalledFor = resyncing;
    stalledUntilNanos = ticker.read() + pause.toNanos();
    Duration doubled = stallPause.multipliedBy(2);
    stallPause = doubled.compareTo(MAX_STALL_PAUSE) > 0 ? MAX_STALL_PAUSE : doubled;
  }

  /** Still RESYNCING under the same record, as the same incarnation. */
  private boolean stillResyncing(String key) {
    FailoverInfo f = view.current().failovers().get(memberId);
    return f != null && f.state() == FailoverState.RESYNCING && registration.current()
        .map(l -> (f.epoch() + "/" + l.incarnation()).equals(key)).orElse(false);
  }

  private void report(ResyncProgress p, ResyncInfo.Phase phase, String detail) throws DyadException {
    reporter.report(new ResyncInfo(memberId, p.incarnation, phase, p.objects, p.bytes, p.examined, p.percent,
        clock.millis(), detail));
  }

  private void reportQuietly(ResyncProgress p, ResyncInfo.Phase phase, String detail) {
    try {
      report(p, phase, detail);
    } catch (DyadException e) {
      LOG.debug("[member={}] could not report resync progress: {}", memberId, e.getMessage());
    }
  }

  @Override
  protected String serviceName() {
    return "Resyncer[" + memberId + "]";
  }
}
