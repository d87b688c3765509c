package io.dyad.directory.server;

import com.google.common.net.HostAndPort;
import com.google.common.util.concurrent.AbstractExecutionThreadService;
import com.google.common.util.concurrent.MoreExecutors;
import io.dyad.common.DyadException;
import io.dyad.coordinator.fencing.MemberGate;
import io.dyad.coordinator.membership.ResyncReporter;
import io.dyad.coordinator.model.FailoverInfo;
import io.dyad.coordinator.model.FailoverState;
import io.dyad.coordinator.model.LiveInfo;
import io.dyad.coordinator.model.ResyncInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.directory.api.DirectoryClient;
import io.dyad.directory.namespace.DivergedException;
import io.dyad.directory.namespace.NamespaceStore;
import io.dyad.rpc.ConnectionPool;
import io.dyad.thrift.LogPage;
import io.dyad.thrift.VolumeRecord;
import io.dyad.thrift.VolumeState;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a returning directory up to date with its partner, while the coordinator has it RESYNCING (it came back
 * after a failover, restarted, or came back on another disk): for every volume the partner holds, it pulls the
 * partner's log from its own last change on (that change too, to check that the two have not gone apart) and
 * applies it. Once it is (nearly) level it asks the partner, if that serves, to {@code join} it: the partner sends
 * what it still lacks and from then on replicates to it before acknowledging. Then it reports CAUGHT_UP for its
 * incarnation and the coordinator fails it back. Progress goes to ZooKeeper as it pulls.
 */
final class CatchUp extends AbstractExecutionThreadService {
  private static final Logger LOG = LoggerFactory.getLogger(CatchUp.class);
  private static final Duration POLL = Duration.ofSeconds(1);
  private static final Duration RETRY = Duration.ofMillis(200);
  private static final Duration REPORT_EVERY = Duration.ofSeconds(1);
  static final int PAGE = 2_000;

  private final String memberId;
  private final NamespaceStore store;
  private final MemberGate gate;
  private final ResyncReporter reporter;
  private final ConnectionPool<DirectoryClient> pool;
  private final SnapshotInstaller installer;
  private final Clock clock;
  private final Semaphore wake = new Semaphore(0);
  private ClusterView.Subscription subscription;
  /** the RESYNCING record (its epoch) and incarnation this member last reported CAUGHT_UP for */
  private String caughtUpFor = "";
  private long applied;
  private long total;
  private long lastReportNanos;

  CatchUp(String memberId, NamespaceStore store, MemberGate gate, ResyncReporter reporter,
      ConnectionPool<DirectoryClient> pool, SnapshotInstaller installer, Clock clock) {
    this.memberId = memberId;
    this.store = store;
    this.gate = gate;
    this.reporter = reporter;
    this.pool = pool;
    this.installer = installer;
    this.clock = clock;
  }

  @Override
  protected void startUp() {
    subscription = gate.view().addListener(s -> {
      FailoverInfo f = s.failovers().get(memberId);
      if (f != null && f.state() == FailoverState.RESYNCING) {
        wake.release();
      }
    }, MoreExecutors.directExecutor());
  }

  @Override
  protected void shutDown() {
    subscription.close();
  }

  @Override
  protected void triggerShutdown() {
    wake.release();
  }

  @Override
  protected void run() throws InterruptedException {
    Duration pause = POLL;
    while (isRunning()) {
      wake.tryAcquire(pause.toMillis(), TimeUnit.MILLISECONDS);
      wake.drainPermits();
      if (!isRunning()) {
        return;
      }
      try {
        pause = step() ? POLL : RETRY;
      } catch (DyadException e) {
        LOG.warn("[member={}] catching up failed, will retry: {}", memberId, e.getMessage());
        pause = RETRY;
      }
    }
  }

  /** @return true when there is nothing to do until the view changes */
  private boolean step() throws DyadException, InterruptedException {
    ClusterSnapshot s = gate.view().current();
    FailoverInfo f = s.failovers().get(memberId);
    Optional<LiveInfo> me = gate.registration().current();
    if (f == null || f.state() != FailoverState.RESYNCING || me.isEmpty() || !gate.registration().mayAcceptWrites()) {
      return true;
    }
    String key = f.epoch() + "/" + me.get().incarnation();
    if (key.equals(caughtUpFor)) {
      return true;
    }
    String partner = s.partnerOf(memberId).orElseThrow();
    HostAndPort address = Sequencer.addressOf(s, partner);
    long epoch = s.epoch();
    List<VolumeState> theirs = pool.call(address, ConnectionPool.Retry.SAFE, c -> c.volumes(epoch));
    total = 0;
    applied = 0;
    for (VolumeState v : theirs) {
      total += Math.max(0, v.getLastSeq() - lastSeq(v.getVolume()));
    }
    report(me.get(), ResyncInfo.Phase.RUNNING, null, true);
    for (VolumeState v : theirs) {
      if (needsSnapshot(v)) {
        installer.install(address, epoch);
        return false;
      }
      try {
        pull(address, v.getVolume(), epoch, me.get());
      } catch (DivergedException e) {
        LOG.warn("[member={}] {}", memberId, e.getMessage());
        installer.install(address, epoch);
        return false;
      }
    }
    if (s.isServing(partner)) {
      // from here on the partner replicates to us before it acknowledges: nothing it acknowledges can be missing
      List<VolumeState> mine = store.volumeStates();
      pool.call(address, ConnectionPool.Retry.SAFE, c -> {
        c.join(memberId, me.get().incarnation(), mine, epoch);
        return null;
      });
    }
    report(me.get(), ResyncInfo.Phase.CAUGHT_UP, null, true);
    caughtUpFor = key;
    LOG.info("[member={}] caught up with {} ({} changes applied); waiting for failback", memberId, partner, applied);
    return true;
  }

  private long lastSeq(String volume) throws DyadException {
    return store.volume(volume).map(VolumeRecord::getLastSeq).orElse(0L);
  }

  /** The partner no longer logs the changes right after ours. */
  private boolean needsSnapshot(VolumeState theirs) throws DyadException {
    long mine = lastSeq(theirs.getVolume());
    return mine < theirs.getLastSeq() && theirs.getFirstLogSeq() > mine + 1;
  }

  private void pull(HostAndPort partner, String volume, long epoch, LiveInfo me) throws DyadException,
      InterruptedException {
    long mine = lastSeq(volume);
    while (isRunning()) {
      long from = Math.max(1, mine); // our last change again: the partner's must be the same
      LogPage page = pool.call(partner, ConnectionPool.Retry.SAFE, c -> c.fetchLog(volume, from, PAGE, epoch));
      if (page.getFirstLogSeq() > mine + 1 && mine < page.getLastSeq()) {
        throw new DyadException(io.dyad.common.ErrorCode.UNAVAILABLE, "the log of volume " + volume
            + " at the partner was trimmed past " + mine + " while catching up; a snapshot is needed");
      }
      long before = mine;
      mine = store.applyInOrder(volume, page.getChanges());
      applied += mine - before;
      report(me, ResyncInfo.Phase.RUNNING, null, false);
      if (mine >= page.getLastSeq() || mine == before) {
        return;
      }
    }
  }

  private void report(LiveInfo me, ResyncInfo.Phase phase, String detail, boolean now) throws DyadException {
    long t = System.nanoTime();
    if (!now && t - lastReportNanos < REPORT_EVERY.toNanos()) {
      return;
    }
    lastReportNanos = t;
    double percent = total == 0 ? 100.0 : Math.min(100.0, 100.0 * applied / total);
    reporter.report(new ResyncInfo(memberId, me.incarnation(), phase, applied, 0, total,
        phase == ResyncInfo.Phase.CAUGHT_UP ? 100.0 : percent, clock.millis(), detail));
  }
}
