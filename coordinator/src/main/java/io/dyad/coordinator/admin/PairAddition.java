package io.dyad.coordinator.admin;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.admin.ClusterDescription.CenterSpec;
import io.dyad.coordinator.admin.ClusterDescription.MemberSpec;
import io.dyad.coordinator.admin.ClusterDescription.PairSpec;
import io.dyad.coordinator.model.ClusterInfo;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.coordinator.zk.ZkErrors;
import io.dyad.coordinator.zk.ZkPaths;
import io.dyad.coordinator.zk.ZnodeCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;

/**
 * Adds a storage or directory pair to a running cluster ({@code dyad admin add-pair}). The new pair is checked
 * against the whole cluster by the same rules as {@code admin init} (unique ids and addresses, one member per center,
 * the partner's address derived from the subnets when it is not given), then written in one transaction with the
 * pair marked joining: it takes part in placement only once both its members serve, when the coordinator clears the
 * flag and bumps the epoch.
 */
public final class PairAddition {
  private PairAddition() {}

  /**
   * The members and pair to add, validated together with what {@code s} already holds.
   *
   * @param members the new members (one, if the other is to be generated in the other center, or two)
   * @return a layout holding only the new members and the new (joining) pair
   * @throws DyadException INVALID_ARGUMENT naming what is wrong; UNAVAILABLE if the cluster is not initialised
   */
  public static ClusterLayout plan(ClusterSnapshot s, List<MemberSpec> members, PairSpec pair) throws DyadException {
    ClusterInfo cluster = s.cluster().orElseThrow(() -> new DyadException(ErrorCode.UNAVAILABLE,
        "ZooKeeper holds no Dyad cluster; run 'dyad admin init' first"));
    if (s.pairs().containsKey(pair.id())) {
      throw DyadException.invalidArgument("pair " + pair.id() + " already exists");
    }
    for (MemberSpec m : members) {
      if (m != null && s.members().containsKey(m.id())) {
        throw DyadException.invalidArgument("member " + m.id() + " already exists");
      }
    }
    Map<String, CenterSpec> centers = new LinkedHashMap<>();
    cluster.centers().forEach((name, c) -> centers.put(name, new CenterSpec(c.subnet(), c.multicast())));
    List<MemberSpec> allMembers = new ArrayList<>();
    for (MemberInfo m : s.members().values()) {
      allMembers.add(new MemberSpec(m.id(), m.kind().json(), m.center(),
          m.address(), m.adminAddress()));
    }
    allMembers.addAll(members);
    List<PairSpec> allPairs = new ArrayList<>();
    for (PairInfo p : s.pairs().values()) {
      allPairs.add(new PairSpec(p.id(), p.kind().json(), p.a(), p.b()));
    }
    allPairs.add(pair);
    ClusterLayout whole = ClusterDescriptionValidator.validate(
        new ClusterDescription(cluster.name(), centers, allMembers, allPairs));
    List<MemberInfo> added = whole.members().stream().filter(m -> !s.members().containsKey(m.id())).toList();
    PairInfo newPair = whole.pairs().stream().filter(p -> p.id().equals(pair.id())).findFirst().orElseThrow()
        .withJoining(true);
    return new ClusterLayout(cluster, added, List.of(newPair), whole.generated().stream()
        .filter(m -> !s.members().containsKey(m.id())).toList());
  }

  /**
   * Writes the new members and the joining pair in one transaction.
   *
   * @throws DyadException ALREADY_EXISTS if one of them appeared meanwhile (nothing is written); UNAVAILABLE if
   *     ZooKeeper fails
   */
  public static void apply(CuratorFramework client, ClusterLayout added) throws DyadException {
    try {
      List<CuratorOp> ops = new ArrayList<>();
      ops.add(client.transactionOp().check().forPath(ZkPaths.CLUSTER));
      for (MemberInfo m : added.members()) {
        ops.add(client.transactionOp().create().forPath(ZkPaths.member(m.id()), ZnodeCodec.MEMBER.encode(m)));
      }
      for (PairInfo p : added.pairs()) {
        ops.add(client.transactionOp().create().forPath(ZkPaths.pair(p.id()), ZnodeCodec.PAIR.encode(p)));
      }
      client.transaction().forOperations(ops);
    } catch (KeeperException.NodeExistsException e) {
      throw new DyadException(ErrorCode.ALREADY_EXISTS, e.getPath() + " was created meanwhile; nothing was written",
          e);
    } catch (KeeperException.NoNodeException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "ZooKeeper holds no Dyad cluster; run 'dyad admin init' first",
          e);
    } catch (Exception e) {
      throw ZkErrors.unavailable("adding the pair to ZooKeeper", e);
    }
  }
}
