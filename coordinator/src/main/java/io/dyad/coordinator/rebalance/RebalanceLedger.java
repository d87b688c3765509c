package io.dyad.coordinator.rebalance;

import io.dyad.common.DyadException;
import io.dyad.coordinator.model.RebalanceInfo;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;

/** The rebalancer's progress record; written only by the holder of the {@link RebalancerLatch}. Thread-safe. */
public interface RebalanceLedger {

  /** The recorded progress, if any. @throws DyadException UNAVAILABLE if it cannot be read now */
  Optional<RebalanceInfo> read() throws DyadException;

  /**
   * Records {@code info} if {@code latchPath} (the writer's {@link RebalancerLatch#latchPath()}) still holds the
   * latch, in one step.
   *
   * @throws DyadException UNAVAILABLE if the write failed: the coordination service is away, or the writer no longer
   *     holds the latch
   */
  void write(RebalanceInfo info, String latchPath) throws DyadException;

  /** The ledger in {@code /dyad/rebalance}; used by {@code ZkSession}. */
  static RebalanceLedger onZooKeeper(CuratorFramework client) {
    return new ZkRebalanceLedger(client);
  }
}
