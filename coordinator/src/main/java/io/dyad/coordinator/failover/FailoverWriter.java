package io.dyad.coordinator.failover;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.model.EpochInfo;
import io.dyad.coordinator.model.FailoverInfo;
import io.dyad.coordinator.model.FailoverState;
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
 * Writes a {@link Decision} as one ZooKeeper transaction: check that our latch znode still exists (so a
 * deposed leader's write fails), change {@code /dyad/failover/<member>} (version-checked), and bump
 * {@code /dyad/epoch} (version-checked). Before writing, the member's current record is read again and the
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

  /**
   * @param latchPath the znode of our leader latch
   * @return the new epoch, or -1 if the decision no longer applied
   * @throws DyadException UNAVAILABLE if the transaction failed (we lost the latch, ZooKeeper is away, or
   *     somebody changed the record or the epoch first)
   */
  public long apply(Decision decision, String latchPath) throws DyadException {
    String member = decision.member();
    String path = ZkPaths.failover(member);
    try {
      Stat recordStat = new Stat();
      FailoverInfo current = read(path, recordStat);
      Stat epochStat = new Stat();
      EpochInfo epoch = ZnodeCodec.EPOCH.decode(ZkPaths.EPOCH,
          client.getData().storingStatIn(epochStat).forPath(ZkPaths.EPOCH));
      long next = epoch.epoch() + 1;
      long now = clock.millis();
      List<CuratorOp> ops = new ArrayList<>();
      ops.add(client.transactionOp().check().forPath(latchPath));
      String change;
      if (decision instanceof Decision.FailOver f) {
        if (current != null) {
          return -1;
        }
        FailoverInfo record = new FailoverInfo(member, f.servedBy(), now, f.reason(), next,
            FailoverState.FAILED_OVER, coordinatorId);
        ops.add(client.transactionOp().create().forPath(path, ZnodeCodec.FAILOVER.encode(record)));
        change = "failover " + member + " -> " + f.servedBy() + " (" + f.reason() + ")";
      } else if (decision instanceof Decision.StartResync) {
        if (current == null || current.state() != FailoverState.FAILED_OVER) {
          return -1;
        }
        ops.add(client.transactionOp().setData().withVersion(recordStat.getVersion())
            .forPath(path, ZnodeCodec.FAILOVER.encode(current.withState(FailoverState.RESYNCING, next, coordinatorId))));
        change = "resync " + member;
      } else if (decision instanceof Decision.BackToFailedOver b) {
        if (current == null || current.state() != FailoverState.RESYNCING) {
          return -1;
        }
        ops.add(client.transactionOp().setData().withVersion(recordStat.getVersion())
            .forPath(path, ZnodeCodec.FAILOVER.encode(current.withState(FailoverState.FAILED_OVER, next, coordinatorId))));
        change = "failover " + member + " again (" + b.reason() + ")";
      } else {
        if (current == null || current.state() != FailoverState.RESYNCING) {
          return -1;
        }
        ops.add(client.transactionOp().delete().withVersion(recordStat.getVersion()).forPath(path));
        if (client.checkExists().forPath(ZkPaths.resync(member)) != null) {
          ops.add(client.transactionOp().delete().forPath(ZkPaths.resync(member)));
        }
        change = "failback " + member;
      }
      ops.add(client.transactionOp().setData().withVersion(epochStat.getVersion())
          .forPath(ZkPaths.EPOCH, ZnodeCodec.EPOCH.encode(new EpochInfo(next, now, coordinatorId, change))));
      client.transaction().forOperations(ops);
      return next;
    } catch (DyadException e) {
      throw e;
    } catch (KeeperException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "coordinator " + coordinatorId + " could not apply " + decision
          + ": " + e.code() + (e.getPath() == null ? "" : " at " + e.getPath()), e);
    } catch (Exception e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "coordinator " + coordinatorId + " could not apply " + decision
          + ": " + e.getMessage(), e);
    }
  }

  private FailoverInfo read(String path, Stat stat) throws Exception {
    try {
      return ZnodeCodec.FAILOVER.decode(path, client.getData().storingStatIn(stat).forPath(path));
    } catch (KeeperException.NoNodeException e) {
      return null;
    }
  }
}
