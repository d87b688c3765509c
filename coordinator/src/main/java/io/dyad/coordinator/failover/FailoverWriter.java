package io.dyad.coordinator.failover;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.model.AdmittedInfo;
import io.dyad.coordinator.model.EpochInfo;
import io.dyad.coordinator.model.FailoverInfo;
import io.dyad.coordinator.model.FailoverState;
import io.dyad.coordinator.model.LiveInfo;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.zk.ZkErrors;
import io.dyad.coordinator.zk.ZkPaths;
import io.dyad.coordinator.zk.ZnodeCodec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Writes a {@link Decision} as one ZooKeeper transaction: check that our latch znode still exists (so a deposed
 * leader's write fails), change {@code /dyad/failover/<member>} and {@code /dyad/admitted/<member>} (each
 * version-checked), check that the member's liveness znode is still the incarnation decided on, and bump
 * {@code /dyad/epoch} (version-checked). Before writing, the member's current state is read again and the
 * decision dropped if it no longer applies (a stale snapshot never causes a second change).
 */
public final class FailoverWriter {
  private final CuratorFramework client;
  private final String coordinatorId;
  private final Clock clock;

  public FailoverWriter(CuratorFramework client, String coordinatorId, Clock clock) {
    this.client = client;
    this.coordinatorId = coordinatorId;
    this.clock = clock;
  }

  /** The transaction being built for one decision. */
  private final class Txn {
    final String member;
    final long next;
    final long now = clock.millis();
    final List<CuratorOp> ops = new ArrayList<>();
    final Stat recordStat = new Stat();
    final FailoverInfo record;

    Txn(String member, long next, String latchPath) throws Exception {
      this.member = member;
      this.next = next;
      this.record = read(ZkPaths.failover(member), recordStat);
      ops.add(client.transactionOp().check().forPath(latchPath));
    }

    String path() {
      return ZkPaths.failover(member);
    }

    void setRecord(FailoverInfo f) throws Exception {
      ops.add(client.transactionOp().setData().withVersion(recordStat.getVersion())
          .forPath(path(), ZnodeCodec.FAILOVER.encode(f)));
    }

    void createRecord(FailoverInfo f) throws Exception {
      ops.add(client.transactionOp().create().forPath(path(), ZnodeCodec.FAILOVER.encode(f)));
    }

    void deleteRecord() throws Exception {
      ops.add(client.transactionOp().delete().withVersion(recordStat.getVersion()).forPath(path()));
    }

    /** False if the member's live incarnation is no longer {@code incarnation}; else the txn checks it stays so. */
    boolean liveIs(long incarnation) throws Exception {
      Stat stat = new Stat();
      byte[] data;
      try {
        data = client.getData().storingStatIn(stat).forPath(ZkPaths.live(member));
      } catch (KeeperException.NoNodeException gone) {
        return false;
      }
      LiveInfo live = ZnodeCodec.LIVE.decode(ZkPaths.live(member), data);
      if (live.incarnation() != incarnation) {
        return false;
      }
      ops.add(client.transactionOp().check().withVersion(stat.getVersion()).forPath(ZkPaths.live(member)));
      return true;
    }

    /** A progress report of an earlier resync must not count for the one that starts now. */
    void forgetResyncProgress() throws Exception {
      if (client.checkExists().forPath(ZkPaths.resync(member)) != null) {
        ops.add(client.transactionOp().delete().forPath(ZkPaths.resync(member)));
      }
    }

    /** Whether the member's admitted incarnation is {@code incarnation} already. */
    boolean admittedIs(long incarnation) throws Exception {
      try {
        byte[] data = client.getData().forPath(ZkPaths.admitted(member));
        return ZnodeCodec.ADMITTED.decode(ZkPaths.admitted(member), data).incarnation() == incarnation;
      } catch (KeeperException.NoNodeException e) {
        return false;
      }
    }

    /** False if the pair is no longer joining; else the txn clears its flag (version-checked). */
    boolean activate(String pairId) throws Exception {
      Stat stat = new Stat();
      PairInfo pair;
      try {
        pair = ZnodeCodec.PAIR.decode(ZkPaths.pair(pairId), client.getData().storingStatIn(stat)
            .forPath(ZkPaths.pair(pairId)));
      } catch (KeeperException.NoNodeException gone) {
        return false;
      }
      if (!pair.joining()) {
        return false;
      }
      ops.add(client.transactionOp().setData().withVersion(stat.getVersion())
          .forPath(ZkPaths.pair(pairId), ZnodeCodec.PAIR.encode(pair.withJoining(false))));
      return true;
    }

    void admit(long incarnation, String dataId) throws Exception {
      String path = ZkPaths.admitted(member);
      byte[] data = ZnodeCodec.ADMITTED.encode(new AdmittedInfo(member, incarnation, dataId, next, now, coordinatorId));
      Stat stat = client.checkExists().forPath(path);
      ops.add(stat == null ? client.transactionOp().create().forPath(path, data)
          : client.transactionOp().setData().withVersion(stat.getVersion()).forPath(path, data));
    }
  }

  /**
   * @param latchPath the znode of our leader latch
   * @return the new epoch, or -1 if the decision no longer applied
   * @throws DyadException UNAVAILABLE if the transaction failed (we lost the latch, ZooKeeper is away, or
   *     somebody changed the record or the epoch first)
   */
  public long apply(Decision decision, String latchPath) throws DyadException {
    try {
      Stat epochStat = new Stat();
      EpochInfo epoch = ZnodeCodec.EPOCH.decode(ZkPaths.EPOCH,
          client.getData().storingStatIn(epochStat).forPath(ZkPaths.EPOCH));
      Txn t = new Txn(decision.member(), epoch.epoch() + 1, latchPath);
      String change = build(decision, t);
      if (change == null) {
        return -1;
      }
      t.ops.add(client.transactionOp().setData().withVersion(epochStat.getVersion())
          .forPath(ZkPaths.EPOCH, ZnodeCodec.EPOCH.encode(new EpochInfo(t.next, t.now, coordinatorId, change))));
      client.transaction().forOperations(t.ops);
      return t.next;
    } catch (DyadException e) {
      throw e;
    } catch (KeeperException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "coordinator " + coordinatorId + " could not apply " + decision
          + ": " + e.code() + (e.getPath() == null ? "" : " at " + e.getPath()), e);
    } catch (Exception e) {
      throw ZkErrors.unavailable("coordinator " + coordinatorId + " applying " + decision, e);
    }
  }

  /** Adds the decision's operations; returns a description of the change, or null if it no longer applies. */
  private String build(Decision decision, Txn t) throws Exception {
    String member = t.member;
    FailoverInfo current = t.record;
    if (decision instanceof Decision.FailOver f) {
      if (current != null) {
        return null;
      }
      t.createRecord(new FailoverInfo(member, f.servedBy(), t.now, f.reason(), t.next, FailoverState.FAILED_OVER,
          coordinatorId, false, 0));
      return "failover " + member + " -> " + f.servedBy() + " (" + f.reason() + ")";
    }
    if (decision instanceof Decision.StartResync) {
      if (current == null || current.state() != FailoverState.FAILED_OVER) {
        return null;
      }
      t.setRecord(current.withState(FailoverState.RESYNCING, t.next, coordinatorId));
      t.forgetResyncProgress();
      return "resync " + member;
    }
    if (decision instanceof Decision.BackToFailedOver b) {
      if (current == null || current.state() != FailoverState.RESYNCING) {
        return null;
      }
      t.setRecord(current.withState(FailoverState.FAILED_OVER, t.next, coordinatorId));
      return "failover " + member + " again (" + b.reason() + ")";
    }
    if (decision instanceof Decision.Rejoin r) {
      if (current != null || t.admittedIs(r.incarnation()) || !t.liveIs(r.incarnation())) {
        return null;
      }
      t.createRecord(new FailoverInfo(member, r.servedBy(), t.now, r.reason(), t.next, FailoverState.RESYNCING,
          coordinatorId, r.wasComplete(), 0));
      t.forgetResyncProgress();
      return "rejoin " + member + " (" + r.reason() + ")";
    }
    if (decision instanceof Decision.ActivatePair a) {
      return t.activate(a.pairId()) ? "pair " + a.pairId() + " joins placement" : null;
    }
    if (decision instanceof Decision.Admit a) {
      if (current != null || t.admittedIs(a.incarnation()) || !t.liveIs(a.incarnation())) {
        return null;
      }
      t.admit(a.incarnation(), a.dataId());
      return "admit " + member + " incarnation " + a.incarnation() + " (" + a.reason() + ")";
    }
    Decision.FailBack b = (Decision.FailBack) decision;
    if (current == null || current.state() != FailoverState.RESYNCING || !t.liveIs(b.incarnation())) {
      return null;
    }
    // admitted first: a view that sees this transaction half applied must see the member RESYNCING (takes writes),
    // never without a record and not admitted (which would look like a new incarnation that takes no writes)
    t.admit(b.incarnation(), b.dataId());
    t.deleteRecord();
    t.forgetResyncProgress();
    return "failback " + member + " (incarnation " + b.incarnation() + " admitted)";
  }

  private FailoverInfo read(String path, Stat stat) throws Exception {
    try {
      return ZnodeCodec.FAILOVER.decode(path, client.getData().storingStatIn(stat).forPath(path));
    } catch (KeeperException.NoNodeException e) {
      return null;
    }
  }
}
