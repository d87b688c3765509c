package io.dyad.node.cluster;

import com.google.common.net.HostAndPort;
import com.google.common.util.concurrent.AbstractExecutionThreadService;
import com.google.common.util.concurrent.MoreExecutors;
import io.dyad.common.DyadException;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.common.Routing;
import io.dyad.coordinator.membership.Registration;
import io.dyad.coordinator.membership.ResyncReporter;
import io.dyad.coordinator.model.FailoverInfo;
import io.dyad.coordinator.model.FailoverState;
import io.dyad.coordinator.model.LiveInfo;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.ResyncInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.node.store.FanoutLayout;
import io.dyad.node.store.ObjectStore;
import io.dyad.rpc.StorageNodeClient;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.thrift.HintPage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings this member up to date with its partner.
 *
 * <ul>
 *   <li>When the coordinator marks the member RESYNCING (it came back after a failover, perhaps with an empty
 *       disk), it copies every object and tombstone it lacks — hinted ones first, then everything a merge of
 *       the two inventories shows, then the hints again — while the node keeps taking new writes, reporting
 *       progress in ZooKeeper; then it reports CAUGHT_UP and the coordinator fails it back.
 *   <li>While serving, it collects hints from its partner every {@code handoffInterval}: objects written
 *       while this member was briefly unreachable without being failed over.
 * </ul>
 */
public final class Resyncer extends AbstractExecutionThreadService {
  private static final Logger LOG = LoggerFactory.getLogger(Resyncer.class);
  private static final int PAGE = 1000;
  private static final Duration REPORT_EVERY = Duration.ofSeconds(1);

  private final String memberId;
  private final ObjectStore store;
  private final ClusterView view;
  private final Registration registration;
  private final ResyncReporter reporter;
  private final ThriftClientConfig clientConfig;
  private final Duration handoffInterval;
  private final Clock clock;
  private final Semaphore wake = new Semaphore(0);

  public Resyncer(String memberId, ObjectStore store, ClusterView view, Registration registration,
      ResyncReporter reporter, ThriftClientConfig clientConfig, Duration handoffInterval, Clock clock) {
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
    view.addListener(s -> {
      FailoverInfo f = s.failovers().get(memberId);
      if (f != null && f.state() == FailoverState.RESYNCING) {
        wake.release();
      }
    }, MoreExecutors.directExecutor());
  }

  @Override
  protected void run() throws InterruptedException {
    while (isRunning()) {
      wake.tryAcquire(handoffInterval.toMillis(), TimeUnit.MILLISECONDS);
      wake.drainPermits();
      if (!isRunning()) {
        return;
      }
      try {
        ClusterSnapshot s = view.current();
        FailoverInfo f = s.failovers().get(memberId);
        if (f != null && f.state() == FailoverState.RESYNCING && registration.mayAcceptWrites()) {
          resync(s);
        } else if (f == null && registration.mayAcceptWrites()) {
          handOffHints(s);
        }
      } catch (DyadException e) {
        LOG.warn("[member={}] resync step failed, will retry: {}", memberId, e.getMessage());
        wake.release(); // retry soon, not after a whole handoff interval
        TimeUnit.MILLISECONDS.sleep(500);
      }
    }
  }

  @Override
  protected void triggerShutdown() {
    wake.release();
  }

  private Optional<StorageNodeClient> connectToPartner(ClusterSnapshot s) throws DyadException {
    Optional<String> partner = s.partnerOf(memberId);
    if (partner.isEmpty() || !s.isServing(partner.get())) {
      return Optional.empty();
    }
    MemberInfo p = s.members().get(partner.get());
    return Optional.of(StorageNodeClient.connect(HostAndPort.fromString(p.address()), clientConfig,
        store.maxChunkBytes()));
  }

  private void handOffHints(ClusterSnapshot s) throws DyadException {
    Optional<StorageNodeClient> partner = connectToPartner(s);
    if (partner.isEmpty()) {
      return;
    }
    try (StorageNodeClient c = partner.get()) {
      Progress p = new Progress(0);
      copyHinted(c, s.epoch(), p);
      if (p.objects > 0) {
        LOG.info("[member={}] collected {} hinted object(s) ({} bytes) from {}", memberId, p.objects, p.bytes,
            c.target());
      }
    }
  }

  private void resync(ClusterSnapshot s) throws DyadException {
    LiveInfo me = registration.current().orElse(null);
    Optional<StorageNodeClient> partner = connectToPartner(s);
    if (me == null || partner.isEmpty()) {
      throw DyadException.unavailable("partner of " + memberId + " is not serving; cannot resync yet", null);
    }
    long started = clock.millis();
    Progress progress = new Progress(me.incarnation());
    try (StorageNodeClient c = partner.get()) {
      LOG.info("[member={} epoch={}] resync from {} started", memberId, s.epoch(), c.target());
      report(progress, ResyncInfo.Phase.RUNNING, 0);
      copyHinted(c, s.epoch(), progress);
      mergeInventories(c, s.epoch(), progress);
      copyHinted(c, s.epoch(), progress);
      if (!stillResyncing(me)) {
        LOG.info("[member={}] resync finished but the member is no longer resyncing; not reporting", memberId);
        return;
      }
      report(progress, ResyncInfo.Phase.CAUGHT_UP, 100);
      LOG.info("[member={}] resync caught up: {} objects ({} bytes) copied, {} tombstones, in {} ms", memberId,
          progress.objects, progress.bytes, progress.tombstones, clock.millis() - started);
    }
  }

  private boolean stillResyncing(LiveInfo me) {
    ClusterSnapshot now = view.current();
    FailoverInfo f = now.failovers().get(memberId);
    return f != null && f.state() == FailoverState.RESYNCING && registration.current()
        .map(l -> l.incarnation() == me.incarnation()).orElse(false);
  }

  /** Copies every object (and tombstone) the partner holds a hint for on our behalf, then clears those hints. */
  private void copyHinted(StorageNodeClient partner, long epoch, Progress progress) throws DyadException {
    ObjectCopier copier = new ObjectCopier(store, partner, store.maxChunkBytes());
    String cursor = "";
    while (isRunning()) {
      HintPage page = partner.listHints(memberId, cursor, PAGE);
      List<ObjectId> done = new ArrayList<>();
      for (String raw : page.getIds()) {
        ObjectId id = ObjectId.of(raw);
        ObjectMeta remote;
        try {
          remote = partner.stat(id, epoch);
        } catch (DyadException e) {
          if (e.code() != io.dyad.common.ErrorCode.NOT_FOUND) {
            throw e;
          }
          done.add(id); // a hint for an object whose write never completed: nothing to copy
          continue;
        }
        progress.count(remote, copier.bring(remote, epoch));
        done.add(id);
      }
      partner.clearHints(memberId, done);
      if (!page.isSetNextCursor()) {
        return;
      }
      cursor = page.getNextCursor();
    }
  }

  /** One merge pass over both inventories: copy what we lack; push tombstones the partner lacks. */
  private void mergeInventories(StorageNodeClient partner, long epoch, Progress progress) throws DyadException {
    ObjectCopier copier = new ObjectCopier(store, partner, store.maxChunkBytes());
    InventoryMerge.Cursor remote = new InventoryMerge.Cursor(cursor -> partner.inventory(cursor, PAGE));
    InventoryMerge.Cursor local = new InventoryMerge.Cursor(cursor -> store.inventory(cursor, PAGE));
    while (isRunning() && remote.peek() != null) {
      ObjectMeta r = remote.peek();
      ObjectMeta l = local.peek();
      int cmp = l == null ? 1 : InventoryMerge.ORDER.compare(l, r);
      if (cmp < 0) {
        local.take();
        continue;
      }
      remote.take();
      if (cmp == 0) {
        local.take();
        if (l.tombstone() && !r.tombstone()) {
          partner.delete(r.id(), Routing.at(epoch)); // a tombstone always wins: the partner missed a delete
          continue;
        }
      }
      progress.count(r, copier.bring(r, epoch));
      progress.position = FanoutLayout.bucketOf(r.id());
      if (progress.dueForReport(clock.millis())) {
        report(progress, ResyncInfo.Phase.RUNNING, 100.0 * progress.position / FanoutLayout.BUCKETS);
      }
    }
  }

  private void report(Progress p, ResyncInfo.Phase phase, double percent) throws DyadException {
    reporter.report(new ResyncInfo(memberId, p.incarnation, phase, p.objects, p.bytes, p.examined,
        Math.min(100, percent), clock.millis()));
    p.reportedAt = clock.millis();
  }

  /** Counters of one resync or handoff. */
  private static final class Progress {
    final long incarnation;
    long objects;
    long tombstones;
    long bytes;
    long examined;
    int position;
    long reportedAt;

    Progress(long incarnation) {
      this.incarnation = incarnation;
    }

    void count(ObjectMeta remote, ObjectCopier.Outcome outcome) {
      examined++;
      if (outcome == ObjectCopier.Outcome.COPIED) {
        objects++;
        bytes += remote.length();
      } else if (outcome == ObjectCopier.Outcome.TOMBSTONED) {
        tombstones++;
      }
    }

    boolean dueForReport(long now) {
      return now - reportedAt >= REPORT_EVERY.toMillis();
    }
  }

  @Override
  protected String serviceName() {
    return "Resyncer[" + memberId + "]";
  }
}
