package io.dyad.coordinator.rebalance;

import com.google.common.util.concurrent.AbstractIdleService;
import io.dyad.coordinator.zk.ZkPaths;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;

/**
 * {@link RebalancerLatch} on a Curator {@code LeaderLatch} at {@code /dyad/election/rebalancer}. Curator gives up
 * leadership when the connection is SUSPENDED or LOST; every progress write also checks the latch znode (see
 * {@link ZkRebalanceLedger}), so a deposed holder cannot record anything.
 */
final class ZkRebalancerLatch extends AbstractIdleService implements RebalancerLatch {
  private final CuratorFramework client;
  private final String id;
  private volatile LeaderLatch latch;

  ZkRebalancerLatch(CuratorFramework client, String id) {
    this.client = client;
    this.id = id;
  }

  @Override
  protected void startUp() throws Exception {
    latch = new LeaderLatch(client, ZkPaths.REBALANCER_LATCH, id, LeaderLatch.CloseMode.SILENT);
    latch.start();
  }

  @Override
  protected void shutDown() throws Exception {
    latch.close();
  }

  @Override
  public boolean leads() {
    LeaderLatch l = latch;
    return l != null && isRunning() && l.hasLeadership();
  }

  /** Our latch znode, which every progress write checks; null before start. */
  @Override
  public String latchPath() {
    LeaderLatch l = latch;
    return l == null ? null : l.getOurPath();
  }
}
