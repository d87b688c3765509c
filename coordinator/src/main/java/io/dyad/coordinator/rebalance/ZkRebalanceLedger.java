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

/**
 * {@link RebalanceLedger} in {@code /dyad/rebalance}: a write is one transaction with a check that the writer's latch
 * znode exists, so it succeeds only while the writer holds the rebalancer latch.
 */
final class ZkRebalanceLedger implements RebalanceLedger {
  private final CuratorFramework client;

  ZkRebalanceLedger(CuratorFramework client) {
    this.client = client;
  }

  @Override
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

  @Override
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
