package io.dyad.coordinator.admin;

import io.dyad.common.DyadException;
import io.dyad.coordinator.model.AdminHold;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.zk.ZkErrors;
import io.dyad.coordinator.zk.ZkPaths;
import io.dyad.coordinator.zk.ZnodeCodec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/**
 * An operator's requests to enter and leave the failover condition by hand: holds under
 * {@code /dyad/admin/failover/<member>}, which the coordinator leader turns into failover (and, once a hold
 * is removed, failback). Operators never write {@code /dyad/failover} themselves: only the leader does.
 */
public final class FailoverRequests {
  private final CuratorFramework client;
  private final Clock clock;

  public FailoverRequests(CuratorFramework client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Places (or renews) a hold on each member. @throws DyadException NOT_FOUND for an undeclared member */
  public void hold(List<String> members, String reason, String requestedBy) throws DyadException {
    for (String m : members) {
      requireMember(m);
    }
    for (String m : members) {
      byte[] data = ZnodeCodec.ADMIN_HOLD.encode(new AdminHold(m, reason, clock.millis(), requestedBy));
      try {
        client.create().orSetData().forPath(ZkPaths.adminHold(m), data);
      } catch (Exception e) {
        throw zkFailure("placing a failover hold on " + m, e);
      }
    }
  }

  /** Removes the member's hold. @return false if it had none */
  public boolean release(String member) throws DyadException {
    requireMember(member);
    try {
      client.delete().forPath(ZkPaths.adminHold(member));
      return true;
    } catch (KeeperException.NoNodeException e) {
      return false;
    } catch (Exception e) {
      throw zkFailure("removing the failover hold on " + member, e);
    }
  }

  /** The members declared in a center. @throws DyadException NOT_FOUND if the center has none */
  public List<String> membersOfCenter(String center) throws DyadException {
    List<String> out = new ArrayList<>();
    try {
      for (String id : client.getChildren().forPath(ZkPaths.MEMBERS)) {
        String path = ZkPaths.member(id);
        MemberInfo m = ZnodeCodec.MEMBER.decode(path, client.getData().forPath(path));
        if (m.center().equals(center)) {
          out.add(id);
        }
      }
    } catch (DyadException e) {
      throw e;
    } catch (Exception e) {
      throw zkFailure("listing the members of center " + center, e);
    }
    if (out.isEmpty()) {
      throw DyadException.notFound("center " + center + " has no members");
    }
    return out;
  }

  private void requireMember(String id) throws DyadException {
    try {
      if (client.checkExists().forPath(ZkPaths.member(id)) == null) {
        throw DyadException.notFound("member " + id + " is not declared in the cluster");
      }
    } catch (DyadException e) {
      throw e;
    } catch (Exception e) {
      throw zkFailure("looking up member " + id, e);
    }
  }

  private static DyadException zkFailure(String doing, Exception e) {
    return ZkErrors.unavailable(doing, e);
  }
}
