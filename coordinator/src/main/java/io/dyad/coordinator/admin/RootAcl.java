package io.dyad.coordinator.admin;

import io.dyad.common.DyadException;
import io.dyad.coordinator.zk.ZkClients;
import io.dyad.coordinator.zk.ZkErrors;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;

/**
 * Closes ZooKeeper's root to creates by anyone but Dyad's daemons. ZooKeeper's root is writable by anyone by
 * default, so a stranger who can reach the ensemble (over TLS: anyone with a client certificate) could fill its
 * memory with znodes beside {@code /dyad} and take down the control plane. The root keeps being readable by all;
 * only the identities derived from the cluster secret may create, change or delete at the top level — or under
 * ZooKeeper's own {@code /zookeeper} and {@code /zookeeper/quota}, which are open to all by default too.
 */
public final class RootAcl {
  /** ZooKeeper's own znodes, which are also open to creates by anyone by default. */
  private static final List<String> SYSTEM = List.of("/zookeeper", "/zookeeper/quota");

  private RootAcl() {}

  /** What {@link #close} found and did. */
  public record Outcome(boolean wasOpen, List<String> topLevel) {
    /** One sentence for the operator. */
    public String describe() {
      return (wasOpen ? "ZooKeeper's root: closed to creates by anyone but Dyad's daemons (it was open to all)"
          : "ZooKeeper's root: already closed to creates by anyone but Dyad's daemons")
          + "; readable by all; top-level znodes: " + String.join(", ", topLevel);
    }
  }

  /**
   * Sets the root's ACL to: each of {@code digests} (user:password, the daemons' identities) may do anything,
   * anybody may read.
   *
   * @param client any client authenticated with one of {@code digests} (its namespace is ignored)
   * @throws DyadException INVALID_ARGUMENT if ZooKeeper refuses (the root was closed under another identity);
   *     UNAVAILABLE if ZooKeeper fails
   */
  public static Outcome close(CuratorFramework client, List<String> digests) throws DyadException {
    CuratorFramework root = client.usingNamespace(null);
    try {
      List<ACL> before = root.getACL().forPath("/");
      boolean open = before.stream().anyMatch(a -> a.getId().equals(ZooDefs.Ids.ANYONE_ID_UNSAFE)
          && (a.getPerms() & (ZooDefs.Perms.CREATE | ZooDefs.Perms.DELETE | ZooDefs.Perms.ADMIN)) != 0);
      List<ACL> closed = ZkClients.acl(digests);
      root.setACL().withACL(closed).forPath("/");
      for (String path : SYSTEM) {
        if (root.checkExists().forPath(path) != null) {
          root.setACL().withACL(closed).forPath(path);
        }
      }
      return new Outcome(open, root.getChildren().forPath("/").stream().sorted().map(c -> "/" + c).toList());
    } catch (KeeperException.NoAuthException e) {
      throw DyadException.invalidArgument("ZooKeeper refused to change the ACL of its root: it was closed under "
          + "another identity (another cluster secret, or by hand); open it with that identity first");
    } catch (Exception e) {
      throw ZkErrors.unavailable("closing ZooKeeper's root", e);
    }
  }

  /**
   * During a secret rotation: gives the root {@code acl} if it is closed to digest identities (Dyad closed it), so
   * that it follows the cluster's identities. @return whether it was changed
   */
  static boolean follow(CuratorFramework client, List<ACL> acl) throws Exception {
    CuratorFramework root = client.usingNamespace(null);
    boolean closed = root.getACL().forPath("/").stream().anyMatch(a -> a.getId().getScheme().equals("digest"));
    if (closed) {
      root.setACL().withACL(acl).forPath("/");
      for (String path : SYSTEM) {
        if (root.checkExists().forPath(path) != null) {
          root.setACL().withACL(acl).forPath(path);
        }
      }
    }
    return closed;
  }
}
