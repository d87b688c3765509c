package io.dyad.coordinator.admin;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.access.ClusterSecret;
import io.dyad.coordinator.model.ClusterInfo;
import io.dyad.coordinator.zk.ZkClients;
import io.dyad.coordinator.zk.ZkErrors;
import io.dyad.coordinator.zk.ZkPaths;
import io.dyad.coordinator.zk.ZnodeCodec;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

/**
 * The ZooKeeper side of rotating the cluster secret: which secret the cluster record names, and which identities
 * (derived from the secrets) may change Dyad's znodes. The client must be authenticated as every identity of
 * {@code secret} (a {@link io.dyad.coordinator.zk.ZkConfig} with all of its digests).
 */
public final class SecretSwitch {
  private SecretSwitch() {}

  /**
   * After {@code promote}: the cluster record names the new (first) secret, and every znode is writable by both
   * identities, so that daemons that hold only the new secret later can change what the old identity created.
   *
   * @return how many znodes were given the new ACL
   * @throws DyadException INVALID_ARGUMENT if the cluster's secret is not one of {@code secret}'s
   */
  public static int promote(CuratorFramework client, ClusterSecret secret) throws DyadException {
    try {
      Stat stat = new Stat();
      byte[] data = client.getData().storingStatIn(stat).forPath(ZkPaths.CLUSTER);
      ClusterInfo c = ZnodeCodec.CLUSTER.decode(ZkPaths.CLUSTER, data);
      if (c.secretFingerprint() == null || !secret.fingerprints().contains(c.secretFingerprint())) {
        throw DyadException.invalidArgument("cluster " + c.name() + " uses the secret with fingerprint "
            + c.secretFingerprint() + ", which this file does not hold: it cannot be rotated from here");
      }
      int changed = reAcl(client, ZkClients.acl(secret.zooKeeperDigests()));
      client.setData().withVersion(stat.getVersion()).forPath(ZkPaths.CLUSTER,
          ZnodeCodec.CLUSTER.encode(c.withSecretFingerprint(secret.fingerprint())));
      return changed;
    } catch (KeeperException.BadVersionException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "the cluster record changed meanwhile: run the command again", e);
    } catch (Exception e) {
      throw failure("switching the cluster secret", e);
    }
  }

  /**
   * After {@code retire}: only the identity of the remaining secret may change Dyad's znodes.
   *
   * @return how many znodes were given the new ACL
   */
  public static int retire(CuratorFramework client, ClusterSecret secret) throws DyadException {
    try {
      ClusterInfo c = ZnodeCodec.CLUSTER.decode(ZkPaths.CLUSTER, client.getData().forPath(ZkPaths.CLUSTER));
      if (!secret.fingerprint().equals(c.secretFingerprint())) {
        throw DyadException.invalidArgument("cluster " + c.name() + " signs with the secret with fingerprint "
            + c.secretFingerprint() + ", not this file's " + secret.fingerprint() + ": promote it first");
      }
      return reAcl(client, ZkClients.acl(List.of(secret.zooKeeperDigest())));
    } catch (Exception e) {
      throw failure("retiring the old cluster secret", e);
    }
  }

  private static DyadException failure(String doing, Exception e) {
    if (e instanceof KeeperException.NoAuthException) {
      return DyadException.invalidArgument("ZooKeeper refused the change: this secret file does not hold the secret "
          + "the cluster's znodes were created with");
    }
    return ZkErrors.unavailable(doing, e); // a DyadException passes through as it is
  }

  /**
   * Sets {@code acl} on /dyad and every znode under it (one that vanished meanwhile is skipped), and on ZooKeeper's
   * root if Dyad closed it ({@link RootAcl}).
   */
  private static int reAcl(CuratorFramework client, List<ACL> acl) throws Exception {
    int n = RootAcl.follow(client, acl) ? 1 : 0;
    java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of("/"));
    while (!todo.isEmpty()) {
      String path = todo.poll();
      try {
        client.setACL().withACL(acl).forPath(path);
        n++;
        for (String child : client.getChildren().forPath(path)) {
          todo.add(path.equals("/") ? "/" + child : path + "/" + child);
        }
      } catch (KeeperException.NoNodeException gone) {
        // an ephemeral znode went away meanwhile
      }
    }
    return n;
  }
}
