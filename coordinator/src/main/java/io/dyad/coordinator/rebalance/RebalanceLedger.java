package io.dyad.coordinator.rebalance;

import io.dyad.common.DyadException;
import io.dyad.coordinator.model.RebalanceInfo;
import io.dyad.coordinator.zk.ZkErrors;
import io.dyad.coordinator.zk.ZkPaths;
import io.dyad.coordinator.zk.ZnodeCodec;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;

/** Reads and writes {@code /dyad/rebalance}; a write succeeds only while the writer holds the rebalancer latch. */
public final class RebalanceLedger {
  private final CuratorFramework client;

  public RebalanceLedger(CuratorFramework client) {
    this.client = client;
  }

  /** The recorded progress, if any. @throws DyadException UNAVAILABLE if ZooKeeper cannot be read */
  public Optional<RebalanceInfo> read() throws DyadException {
    try {
      return Optional.of(ZnodeCodec.REBALANCE.decode(ZkPaths.REBALANCE, client.getData().forPath(ZkPaths.REBALANCE)));
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    } catch (DyadException e) {
      throw e;
    } catch (Exception e) {
      throw ZkErrors.unavailable("reading the rebalancer's progress", e);
    }
  }

  /**
   * Records {@code info}, in one transaction with a check that {@code latchPath} (the writer's latch znode) exists.
   *
   * @throws DyadException UNAVAILABLE if the write failed: ZooKeeper is away, or the writer no longer holds the latch
   */
  public void write(RebalanceInfo info, String latchPath) throws DyadException {
    try {
      byte[] data = ZnodeCodec.REBALANCE.encode(info);
      CuratorOp set = client.checkExists().forPath(ZkPaths.REBALANCE) == null
          ? client.transactionOp().create().forPath(ZkPaths.REBALANCE, data)
          : client.transactionOp().setData().forPath(ZkPaths.REBALANCE, data);
      client.transaction().forOperations(List.of(client.transactionOp().check().forPath(latchPath), set));
    } catch (Exception e) {
      throw ZkErrors.unavailable("recording the rebalancer's progress", e);
    }
  }
}
