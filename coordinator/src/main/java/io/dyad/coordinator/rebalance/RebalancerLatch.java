package io.dyad.coordinator.rebalance;

import com.google.common.util.concurrent.Service;
import org.apache.curator.framework.CuratorFramework;

/**
 * A DOSM's candidacy for rebalancing: of all DOSMs running one, at most one leads at a time. Leadership is given up
 * when the coordination service cannot vouch for it (a connection suspended or lost), and every progress write is
 * fenced by {@link #latchPath()} (see {@link RebalanceLedger#write}), so a deposed leader records nothing.
 */
public interface RebalancerLatch extends Service {

  /** Whether this DOSM leads now. Cheap; may turn false at any moment. */
  boolean leads();

  /** The token a progress write must present (the latch's znode); null before the latch started. */
  String latchPath();

  /** A (not yet started) candidate on ZooKeeper; used by {@code ZkSession}. */
  static RebalancerLatch onZooKeeper(CuratorFramework client, String id) {
    return new ZkRebalancerLatch(client, id);
  }
}
