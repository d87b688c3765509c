package io.dyad.directory.server;

import com.google.common.net.HostAndPort;
import com.google.common.util.concurrent.AbstractScheduledService;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.access.Locator;
import io.dyad.common.access.Locators;
import io.dyad.coordinator.fencing.MemberGate;
import io.dyad.coordinator.model.GatewayInfo;
import io.dyad.directory.api.ObjectGatewayClient;
import io.dyad.directory.api.PairRoles;
import io.dyad.directory.namespace.NamespaceStore;
import io.dyad.rpc.ConnectionPool;
import io.dyad.thrift.BeginUpload;
import io.dyad.thrift.ChangeOp;
import io.dyad.thrift.ForgetGarbage;
import io.dyad.thrift.GarbageItem;
import io.dyad.thrift.VolumeState;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the objects of replaced and removed files, and of uploads never committed, once they are due. One worker
 * per volume: every directory server runs one, but it acts only for the volumes of a pair it is the primary of (a
 * fenced or demoted primary's changes are refused by its {@link Sequencer}).
 *
 * <p>Each round, per volume: uploads that expired are abandoned by a change (their objects become garbage, due at
 * the expiry, when their write locators stopped working); then every due object is deleted through a DOSM (a
 * tombstone on both partners; deleting twice is harmless) and the deletions are recorded by a change. Both changes
 * are replicated like any other, so the work survives restarts and failovers: what is not recorded as done is done
 * again. Garbage becomes due only after the volume's grace, longer than any locator's life: a reader holding a
 * valid locator never finds its object gone.
 */
final class GarbageWorker extends AbstractScheduledService {
  private static final Logger LOG = LoggerFactory.getLogger(GarbageWorker.class);
  static final int BATCH = 500;

  private final String memberId;
  private final NamespaceStore store;
  private final MemberGate gate;
  private final Sequencer sequencer;
  private final ConnectionPool<ObjectGatewayClient> dosms;
  private final Supplier<Optional<Locators>> locators;
  private final Clock clock;
  private final Duration every;
  private long deleted;

  /** @param locators signs the worker's delete credentials (empty in a cluster without access control) */
  GarbageWorker(String memberId, NamespaceStore store, MemberGate gate, Sequencer sequencer,
      ConnectionPool<ObjectGatewayClient> dosms, Supplier<Optional<Locators>> locators, Clock clock, Duration every) {
    this.memberId = memberId;
    this.store = store;
    this.gate = gate;
    this.sequencer = sequencer;
    this.dosms = dosms;
    this.locators = locators;
    this.clock = clock;
    this.every = every;
  }

  @Override
  protected void runOneIteration() {
    if (!PairRoles.isPrimary(gate.view().current(), memberId) || !gate.registration().mayAcceptWrites()) {
      return;
    }
    try {
      for (VolumeState v : store.volumeStates()) {
        collect(v.getVolume());
      }
    } catch (DyadException e) {
      LOG.warn("[member={}] collecting garbage failed, will retry: {}", memberId, e.getMessage());
    }
  }

  /** Total objects deleted by this worker since it started. */
  long deleted() {
    return deleted;
  }

  private void collect(String volume) throws DyadException {
    long now = clock.millis();
    List<BeginUpload> expired = store.uploadsExpired(volume, now, BATCH);
    if (!expired.isEmpty()) {
      List<String> ids = expired.stream().map(BeginUpload::getUploadId).toList();
      record(volume, new ForgetGarbage(List.of(), new ArrayList<>(ids)));
      LOG.info("[member={}] volume {}: abandoned {} expired uploads", memberId, volume, ids.size());
    }
    List<GarbageItem> due = store.garbageDue(volume, now, BATCH);
    List<GarbageItem> done = new ArrayList<>();
    for (GarbageItem g : due) {
      try {
        deleteObject(g.getObjectId());
        done.add(g);
      } catch (DyadException e) {
        LOG.info("[member={}] volume {}: deleting {} failed, will retry: {}", memberId, volume, g.getObjectId(),
            e.getMessage());
        break;
      }
    }
    if (!done.isEmpty()) {
      record(volume, new ForgetGarbage(done, List.of()));
      deleted += done.size();
      LOG.info("[member={}] volume {}: deleted {} garbage objects", memberId, volume, done.size());
    }
  }

  private void record(String volume, ForgetGarbage f) throws DyadException {
    // under this member's own epoch: a write must name one, and the primary's view is never behind itself
    sequencer.submit(volume, ChangeOp.forgetGarbage(f), gate.view().current().epoch(), "");
  }

  private void deleteObject(String objectId) throws DyadException {
    String credential = locators.get()
        .map(l -> l.sign(Locator.Operation.DELETE, objectId, Duration.ofMinutes(1))).orElse("");
    List<GatewayInfo> live = new ArrayList<>(gate.view().current().dosms().values());
    Collections.shuffle(live);
    DyadException last = null;
    for (GatewayInfo g : live) {
      try {
        dosms.call(HostAndPort.fromString(g.address()), ConnectionPool.Retry.SAFE, c -> c.delete(objectId, credential));
        return;
      } catch (DyadException e) {
        if (e.code() != ErrorCode.UNAVAILABLE) {
          throw e;
        }
        last = e;
      }
    }
    throw new DyadException(ErrorCode.UNAVAILABLE, live.isEmpty() ? "no DOSM is running"
        : "no DOSM answered: " + last.getMessage(), last);
  }

  @Override
  protected Scheduler scheduler() {
    return Scheduler.newFixedDelaySchedule(every, every);
  }
}
