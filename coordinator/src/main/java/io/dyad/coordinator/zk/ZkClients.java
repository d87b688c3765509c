package io.dyad.coordinator.zk;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.AuthInfo;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/** Builds and starts Curator clients for Dyad's namespace. */
public final class ZkClients {
  private ZkClients() {}

  /**
   * A started client rooted at {@code /dyad} (under any chroot of the connect string), connected within the
   * configured timeout. The caller closes it.
   *
   * @throws DyadException UNAVAILABLE if ZooKeeper cannot be reached in time
   */
  public static CuratorFramework connect(ZkConfig config) throws DyadException {
    CuratorFrameworkFactory.Builder b = builder(config);
    if (config.tls().isPresent()) {
      b.zkClientConfig(config.tls().get().clientConfig());
    }
    CuratorFramework client = b.build();
    client.start();
    try {
      if (!client.blockUntilConnected((int) config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        client.close();
        throw new DyadException(ErrorCode.UNAVAILABLE, "cannot reach ZooKeeper at " + config.connectString()
            + " within " + config.connectTimeout().toSeconds() + " s" + (config.tls().isPresent()
            ? " over TLS (does the ensemble offer TLS on that port, and trust this side's certificate?)" : ""));
      }
    } catch (InterruptedException e) {
      client.close();
      Thread.currentThread().interrupt();
      throw new DyadException(ErrorCode.UNAVAILABLE, "interrupted while connecting to ZooKeeper", e);
    }
    return client;
  }

  /** A configured, not yet started, builder (for callers that need more settings). */
  public static CuratorFrameworkFactory.Builder builder(ZkConfig config) {
    CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder()
        .connectString(config.connectString())
        .sessionTimeoutMs((int) config.sessionTimeout().toMillis())
        .connectionTimeoutMs((int) Math.min(config.connectTimeout().toMillis(), config.sessionTimeout().toMillis()))
        .retryPolicy(new BoundedExponentialBackoffRetry(100, 3000, 20))
        .namespace(ZkPaths.NAMESPACE);
    if (!config.digests().isEmpty()) {
      List<AuthInfo> auth = new ArrayList<>();
      for (String d : config.digests()) {
        auth.add(new AuthInfo("digest", d.getBytes(UTF_8)));
      }
      b.authorization(auth).aclProvider(aclFor(config.digests()));
    }
    return b;
  }

  /**
   * The ACL of Dyad's znodes: each owner (the daemons' identity; two while the secret is rotated) may do anything;
   * everybody may read (so that operators can inspect with zkCli).
   */
  public static List<ACL> acl(List<String> userColonPasswords) {
    // a mutable list: ZooKeeper.validateACL calls contains(null), which immutable lists refuse
    List<ACL> acl = new ArrayList<>();
    try {
      for (String d : userColonPasswords) {
        acl.add(new ACL(ZooDefs.Perms.ALL, new Id("digest", DigestAuthenticationProvider.generateDigest(d))));
      }
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA1 is missing from this JVM", e);
    }
    acl.add(new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
    return acl;
  }

  private static ACLProvider aclFor(List<String> userColonPasswords) {
    List<ACL> acl = acl(userColonPasswords);
    return new ACLProvider() {
      @Override
      public List<ACL> getDefaultAcl() {
        return acl;
      }

      @Override
      public List<ACL> getAclForPath(String path) {
        return acl;
      }
    };
  }
}
