package io.dyad.coordinator.admin;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.model.EpochInfo;
import io.dyad.coordinator.model.MemberInfo;
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

/** Writes a validated {@link ClusterLayout} to ZooKeeper in one transaction: all of it or nothing. */
public final class ClusterInit {
  private ClusterInit() {}

  /**
   * @throws DyadException ALREADY_EXISTS if the namespace already holds a cluster; UNAVAILABLE if ZooKeeper
   *     fails
   */
  public static void apply(CuratorFramework client, ClusterLayout layout, Clock clock) throws DyadException {
    try {
      // the first call creates the namespace znode (Curator does it, with our ACL)
      if (client.checkExists().forPath(ZkPaths.CLUSTER) != null) {
        throw new DyadException(ErrorCode.ALREADY_EXISTS, "ZooKeeper already holds a Dyad cluster under /"
            + ZkPaths.NAMESPACE + "; it was not changed");
      }
      List<CuratorOp> ops = new ArrayList<>();
      ops.add(client.transactionOp().create().forPath(ZkPaths.CLUSTER, ZnodeCodec.CLUSTER.encode(layout.cluster())));
      for (String parent : ZkPaths.PARENTS) {
        ops.add(client.transactionOp().create().forPath(parent, new byte[0]));
      }
      for (MemberInfo m : layout.members()) {
        ops.add(client.transactionOp().create().forPath(ZkPaths.member(m.id()), ZnodeCodec.MEMBER.encode(m)));
      }
      for (PairInfo p : layout.pairs()) {
        ops.add(client.transactionOp().create().forPath(ZkPaths.pair(p.id()), ZnodeCodec.PAIR.encode(p)));
      }
      ops.add(client.transactionOp().create().forPath(ZkPaths.EPOCH,
          ZnodeCodec.EPOCH.encode(new EpochInfo(0, clock.millis(), "admin init", "cluster created"))));
      client.transaction().forOperations(ops);
    } catch (DyadException e) {
      throw e;
    } catch (KeeperException.NodeExistsException e) {
      throw new DyadException(ErrorCode.ALREADY_EXISTS, "ZooKeeper already holds part of a Dyad cluster ("
          + e.getPath() + "); nothing was written", e);
    } catch (Exception e) {
      throw ZkErrors.unavailable("writing the cluster to ZooKeeper", e);
    }
  }
}
