package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dyad.common.access.ClusterSecret;
import io.dyad.coordinator.ZkSession;
import io.dyad.coordinator.model.ClusterInfo;
import io.dyad.coordinator.startup.AccessControl;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.coordinator.zk.ZkClients;
import io.dyad.coordinator.zk.ZkConfig;
import io.dyad.coordinator.zk.ZkPaths;
import io.dyad.coordinator.zk.ZnodeCodec;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotating the cluster secret against a real ZooKeeper, step by step through the commands an operator runs: at each
 * step a daemon holding the file of that step or of the step before may start (its secret matches the cluster's)
 * and may change the znodes, and after the last step the old secret's identity may change nothing.
 */
class SecretRotationIT {
  @TempDir Path dir;
  private EmbeddedZooKeeper zk;
  private String connect;
  private Path file;

  @BeforeEach
  void start() throws Exception {
    int port = FreePorts.freeOnAll("127.0.0.1");
    zk = new EmbeddedZooKeeper(dir.resolve("zk"), new InetSocketAddress("127.0.0.1", port), 100);
    zk.startAsync().awaitRunning();
    connect = "127.0.0.1:" + port;
    file = dir.resolve("secret");
    Path description = dir.resolve("cluster.yaml");
    Files.copy(Path.of("src/main/dist/conf/cluster-example.yaml"), description);
    assertThat(Dyad.run("admin", "init", "--zk", connect, "--config", description.toString(), "--secret-file",
        file.toString())).isZero();
  }

  @AfterEach
  void stop() {
    zk.stopAsync().awaitTerminated();
  }

  private CuratorFramework client(ClusterSecret s) throws Exception {
    return ZkClients.connect(ZkConfig.of(connect).withDigests(s.zooKeeperDigests()));
  }

  private CuratorFramework clientAs(String digest) throws Exception {
    return ZkClients.connect(ZkConfig.of(connect).withDigest(digest));
  }

  private ClusterInfo cluster(CuratorFramework c) throws Exception {
    return ZnodeCodec.CLUSTER.decode(ZkPaths.CLUSTER, c.getData().forPath(ZkPaths.CLUSTER));
  }

  /** A daemon holding {@code s} would start: its secret matches the cluster record. */
  private void daemonStarts(ClusterSecret s) throws Exception {
    try (ZkSession session = ZkSession.connect(ZkConfig.of(connect).withDigests(s.zooKeeperDigests()))) {
      ClusterView view = session.clusterView();
      view.startAsync().awaitRunning();
      try {
        assertThat(AccessControl.verify(view.current(), Optional.of(s), "test daemon")).isPresent();
      } finally {
        view.stopAsync().awaitTerminated();
      }
    }
  }

  /** The identity may change every persistent znode (rewrites each with its own data). */
  private static void mayChangeEverything(CuratorFramework c) throws Exception {
    for (String path : List.of(ZkPaths.CLUSTER, "/pairs/p1", "/members/a1")) {
      c.setData().forPath(path, c.getData().forPath(path));
    }
  }

  @Test
  void aRotationKeepsOldAndNewDaemonsWorkingAndEndsWithTheOldIdentityLockedOut() throws Exception {
    ClusterSecret old = ClusterSecret.load(file);
    String oldIdentity = old.zooKeeperDigest();

    assertThat(Dyad.run("admin", "secret", "add", "--secret-file", file.toString())).isZero();
    ClusterSecret added = ClusterSecret.load(file);
    daemonStarts(old);
    daemonStarts(added);
    try (CuratorFramework c = client(added)) {
      mayChangeEverything(c);
    }

    assertThat(Dyad.run("admin", "secret", "promote", "--zk", connect, "--secret-file", file.toString())).isZero();
    ClusterSecret promoted = ClusterSecret.load(file);
    assertThat(promoted.fingerprint()).isEqualTo(added.fingerprints().get(1));
    daemonStarts(added);
    daemonStarts(promoted);
    try (CuratorFramework c = client(promoted)) {
      assertThat(cluster(c).secretFingerprint()).as("the cluster signs with the new secret")
          .isEqualTo(promoted.fingerprint());
      List<ACL> acl = c.getACL().forPath("/members/a1");
      assertThat(acl).as("both identities may change it").hasSize(3);
    }
    try (CuratorFramework c = clientAs(promoted.zooKeeperDigest())) {
      mayChangeEverything(c); // what the old identity created, the new one may change now
    }

    assertThat(Dyad.run("admin", "secret", "retire", "--zk", connect, "--secret-file", file.toString())).isZero();
    ClusterSecret retired = ClusterSecret.load(file);
    assertThat(retired.fingerprints()).containsExactly(promoted.fingerprint());
    daemonStarts(retired);
    daemonStarts(promoted);
    try (CuratorFramework c = client(retired)) {
      mayChangeEverything(c);
    }
    try (CuratorFramework c = clientAs(oldIdentity)) {
      assertThatThrownBy(() -> mayChangeEverything(c)).as("the old secret's identity is locked out")
          .isInstanceOf(KeeperException.NoAuthException.class);
    }
    assertThat(Dyad.run("admin", "secret", "retire", "--zk", connect, "--secret-file", file.toString()))
        .as("retire again, after the restarts").isZero();
  }

  @Test
  void promotingWithAFileThatDoesNotHoldTheClustersSecretChangesNothing() throws Exception {
    Path stranger = dir.resolve("stranger");
    ClusterSecret.create(stranger);
    assertThat(Dyad.run("admin", "secret", "add", "--secret-file", stranger.toString())).isZero();
    assertThat(Dyad.run("admin", "secret", "promote", "--zk", connect, "--secret-file", stranger.toString()))
        .isNotZero();
    ClusterSecret real = ClusterSecret.load(file);
    try (CuratorFramework c = client(real)) {
      assertThat(cluster(c).secretFingerprint()).isEqualTo(real.fingerprint());
    }
    assertThat(ClusterSecret.load(stranger).fingerprints()).as("the stranger's file was not promoted").hasSize(2);
  }
}
