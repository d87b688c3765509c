package io.dyad.coordinator.admin;

import static java.nio.charset.StandardCharsets.UTF_8;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;

/** Writes a validated {@link ClusterLayout} to ZooKeeper in one transaction: all of it or nothing. */
public final class ClusterInit {
  private ClusterInit() {}

  /**
   * Every znode the layout becomes, in the order they are created: path (under {@code /dyad}) to payload (empty for
   * the parents that only hold children).
   */
  public static Map<String, byte[]> plan(ClusterLayout layout, Clock clock) {
    Map<String, byte[]> znodes = new LinkedHashMap<>();
    znodes.put(ZkPaths.CLUSTER, ZnodeCodec.CLUSTER.encode(layout.cluster()));
    for (String parent : ZkPaths.PARENTS) {
      znodes.put(parent, new byte[0]);
    }
    for (MemberInfo m : layout.members()) {
      znodes.put(ZkPaths.member(m.id()), ZnodeCodec.MEMBER.encode(m));
    }
    for (PairInfo p : layout.pairs()) {
      znodes.put(ZkPaths.pair(p.id()), ZnodeCodec.PAIR.encode(p));
    }
    znodes.put(ZkPaths.EPOCH, ZnodeCodec.EPOCH.encode(new EpochInfo(0, clock.millis(), "admin init", "cluster created")));
    return znodes;
  }

  /** The plan as lines an operator can read: "/dyad/path payload". */
  public static List<String> describe(Map<String, byte[]> plan) {
    List<String> lines = new ArrayList<>();
    plan.forEach((path, data) -> lines.add("/" + ZkPaths.NAMESPACE + path + (data.length == 0 ? ""
        : "  " + new String(data, UTF_8))));
    return lines;
  }

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
      for (Map.Entry<String, byte[]> z : plan(layout, clock).entrySet()) {
        ops.add(client.transactionOp().create().forPath(z.getKey(), z.getValue()));
      }
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
