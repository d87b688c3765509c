package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.HostAndPort;
import io.dyad.client.ClientConfig;
import io.dyad.client.DyadClient;
import io.dyad.client.FileSystemClient;
import io.dyad.common.access.ClusterSecret;
import io.dyad.common.access.DaemonAuth;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.rpc.ThriftConnections;
import io.dyad.thrift.AccessDenied;
import io.dyad.thrift.ChangeOp;
import io.dyad.thrift.DirectoryServer;
import io.dyad.thrift.Mkdir;
import io.dyad.thrift.StorageNode;
import io.dyad.thrift.WriteContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.thrift.TException;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In a cluster with a secret (as {@code dyad local} runs), storage nodes and directory servers serve Dyad daemons of
 * the cluster only: a stranger who reaches their ports gets AccessDenied for every call but health and status —
 * no write, delete, hint, inventory, read or namespace change behind the gateways' backs — and the cluster goes on
 * serving its clients.
 */
class MemberAccessIT {
  @TempDir static Path dir;
  private static LocalCluster cluster;
  private static DyadClient objects;
  private static FileSystemClient files;

  @BeforeAll
  static void start() throws Exception {
    DosmOptions dosm = picocli.CommandLine.populateCommand(new DosmOptions(), "--search", "point-to-point");
    cluster = new LocalCluster(LocalCluster.Options.onFreePorts(dir.resolve("cluster"), dosm, false,
        Duration.ofSeconds(4), Duration.ofSeconds(1), false), new PrintWriter(Writer.nullWriter()));
    cluster.startAsync().awaitRunning();
    objects = DyadClient.connect(ClientConfig.of(List.of(cluster.dosmAddress())));
    files = new FileSystemClient(List.of(cluster.ddmAddress()), objects, ThriftClientConfig.defaults());
    files.createVolume("guarded");
  }

  @AfterAll
  static void stop() {
    files.close();
    objects.close();
    cluster.stopAsync().awaitTerminated();
  }

  private static HostAndPort address(String member) {
    return HostAndPort.fromString(cluster.view().current().members().get(member).address());
  }

  private static void denied(ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(AccessDenied.class);
  }

  private static void authenticate(StorageNode.Client c, DaemonAuth.Proof p) throws TException {
    c.authenticate(p.daemon(), p.time(), p.nonce(), ByteBuffer.wrap(p.mac()));
  }

  @Test
  void aStrangerOnANodePortGetsNothingButItsHealth() throws Exception {
    byte[] data = "stored before the stranger came".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    files.put("guarded", "/kept", () -> new ByteArrayInputStream(data), data.length);
    long epoch = cluster.view().current().epoch();
    WriteContext ctx = new WriteContext().setEpoch(epoch);
    StorageNode.Client node = new StorageNode.Client(ThriftConnections.open(address("a1"), ThriftClientConfig.defaults()));
    try {
      assertThat(node.health().getMemberId()).isEqualTo("a1");
      denied(() -> node.beginWrite("planted", 10, ctx));
      denied(() -> node.deleteObject("anything", ctx));
      denied(() -> node.addHint("b1", "anything", ctx));
      denied(() -> node.clearHints("b1", List.of("anything")));
      denied(() -> node.listHints("b1", "", 10));
      denied(() -> node.inventory("", 10));
      denied(() -> node.read("anything", 0, 10, epoch));
      // a client's direct read needs no daemon proof, but a locator for the object or an operator's credential
      denied(() -> node.readDirect("anything", 0, 10, ""));
      denied(() -> node.readDirect("anything", 0, 10, "dyad1.forged.locator"));
      denied(() -> node.has("anything", epoch));

      ClusterSecret stranger = ClusterSecret.create(dir.resolve("stranger-secret"));
      denied(() -> authenticate(node, new DaemonAuth(stranger, Clock.systemUTC()).prove("dosm evil",
          ThriftConnections.proofTarget(node.getInputProtocol()))));
      denied(() -> node.inventory("", 10));

      // a daemon of the cluster is served; a proof heard on the wire does not open a second connection
      DaemonAuth.Proof proof = new DaemonAuth(ClusterSecret.load(cluster.secretFile()), Clock.systemUTC())
          .prove("test daemon", ThriftConnections.proofTarget(node.getInputProtocol()));
      authenticate(node, proof);
      assertThat(node.inventory("", 10).getEntries()).isNotNull();
      StorageNode.Client replay = new StorageNode.Client(ThriftConnections.open(address("a1"),
          ThriftClientConfig.defaults()));
      try {
        denied(() -> authenticate(replay, proof));
        denied(() -> replay.inventory("", 10));
      } finally {
        replay.getInputProtocol().getTransport().close();
      }
    } finally {
      node.getInputProtocol().getTransport().close();
    }
    ByteArrayOutputStream back = new ByteArrayOutputStream();
    files.get("guarded", "/kept", back);
    assertThat(back.toByteArray()).as("the cluster still serves its clients").isEqualTo(data);
  }

  @Test
  void aProofSentToOneMemberDoesNotOpenAnother() throws Exception {
    DaemonAuth daemon = new DaemonAuth(ClusterSecret.load(cluster.secretFile()), Clock.systemUTC());
    ThriftClientConfig plain = ThriftClientConfig.defaults();
    StorageNode.Client a1 = new StorageNode.Client(ThriftConnections.open(address("a1"), plain));
    StorageNode.Client b1 = new StorageNode.Client(ThriftConnections.open(address("b1"), plain));
    try {
      // what a1 received, as a1 (or whoever holds a1's address) would replay it to a1's partner within its window
      DaemonAuth.Proof toA1 = daemon.prove("dosm d1", ThriftConnections.proofTarget(a1.getInputProtocol()));
      denied(() -> authenticate(b1, toA1));
      denied(() -> b1.inventory("", 10));
      // an unbound proof, as daemons before the binding made them, is refused too (no --accept-unbound-proofs)
      denied(() -> authenticate(b1, daemon.proveUnbound("dosm d1")));
      authenticate(a1, toA1);
      assertThat(a1.inventory("", 10).getEntries()).as("the proof opens the member it was made for").isNotNull();
    } finally {
      a1.getInputProtocol().getTransport().close();
      b1.getInputProtocol().getTransport().close();
    }
  }

  @Test
  void noOtherLocalUserCanReadTheMembersData() throws Exception {
    for (int i = 0; i < 6; i++) {
      byte[] data = ("private bytes " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      files.put("guarded", "/private-" + i, () -> new ByteArrayInputStream(data), data.length);
    }
    Path root = dir.resolve("cluster");
    List<String> objectFiles = new java.util.ArrayList<>();
    for (String member : List.of("a1", "a2", "a3", "b1", "b2", "b3", "da1", "db1")) {
      Path data = root.resolve(member);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).as(member + "'s data directory")
          .isEqualTo("rwx------");
      if (member.startsWith("d")) {
        continue;
      }
      try (java.util.stream.Stream<Path> all = Files.walk(data.resolve("objects"))) {
        for (Path p : (Iterable<Path>) all::iterator) {
          objectFiles.add(p + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        }
      }
    }
    assertThat(objectFiles).filteredOn(f -> f.contains("/objects/") && !f.endsWith("rw-------")
        && !f.endsWith("rwx------")).isEmpty();
    assertThat(objectFiles).anyMatch(f -> f.endsWith("rw-------"));
  }

  @Test
  void anAnonymousZooKeeperClientReadsButChangesNothingUnderDyad() throws Exception {
    try (CuratorFramework anon = CuratorFrameworkFactory.newClient(cluster.zkConnect(), new RetryOneTime(100))) {
      anon.start();
      assertThat(anon.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
      assertThat(anon.getData().forPath("/dyad/cluster")).as("operators may read").isNotEmpty();
      byte[] junk = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      for (ThrowingCallable write : List.<ThrowingCallable>of(
          () -> anon.create().creatingParentsIfNeeded().forPath("/dyad/admin/failover/a1", junk),
          () -> anon.setData().forPath("/dyad/cluster", junk),
          () -> anon.delete().forPath("/dyad/volumes/guarded"),
          () -> anon.create().forPath("/dyad/volumes/planted", junk),
          () -> anon.setACL().withACL(ZooDefs.Ids.OPEN_ACL_UNSAFE).forPath("/dyad"))) {
        assertThatThrownBy(write).isInstanceOf(KeeperException.NoAuthException.class);
      }
    }
    assertThat(cluster.view().current().failovers()).as("no member failed over by a stranger").isEmpty();
    assertThat(cluster.view().current().volumes()).containsKey("guarded").doesNotContainKey("planted");
    files.createVolume("made-after"); // the cluster's own daemons still write
  }

  /**
   * A stranger floods ZooKeeper with big znodes where ZooKeeper lets anyone create by default (its root, /zookeeper,
   * /zookeeper/quota) while a client keeps putting and getting objects: nothing is stored, ZooKeeper (a process of
   * its own in dyad local) keeps serving, and the client's calls stay quick.
   */
  @Test
  void aStrangerFloodingZooKeeperStoresNothingAndClientsAreServedMeanwhile() throws Exception {
    java.util.concurrent.atomic.AtomicInteger created = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean attacking = new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.ExecutorService attackers = java.util.concurrent.Executors.newFixedThreadPool(4);
    List<String> places = List.of("/", "/zookeeper/", "/zookeeper/quota/", "/");
    for (int t = 0; t < 4; t++) {
      String place = places.get(t);
      // the most ZooKeeper takes in one request (which it keeps, refused, among its last 500), and far more
      int size = t == 3 ? 1024 * 1024 : 120 * 1024;
      attackers.submit(() -> {
        try (CuratorFramework anon = CuratorFrameworkFactory.newClient(cluster.zkConnect(), 10_000, 5_000,
            new RetryOneTime(100))) {
          anon.start();
          anon.blockUntilConnected(10, TimeUnit.SECONDS);
          byte[] junk = new byte[size];
          for (int i = 0; attacking.get(); i++) {
            try {
              anon.create().forPath(place + "junk-" + Thread.currentThread().getId() + "-" + i, junk);
              created.incrementAndGet();
            } catch (Exception e) {
              refused.incrementAndGet();
            }
          }
        }
        return null;
      });
    }
    long worstPut = 0;
    long worstGet = 0;
    byte[] data = new byte[64 * 1024];
    new java.util.Random(5).nextBytes(data);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int rounds = 0;
    try {
      while (System.nanoTime() < until) {
        long t0 = System.nanoTime();
        String path = "/during-flood-" + rounds;
        files.put("guarded", path, () -> new ByteArrayInputStream(data), data.length);
        long t1 = System.nanoTime();
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        files.get("guarded", path, back);
        long t2 = System.nanoTime();
        assertThat(back.toByteArray()).isEqualTo(data);
        worstPut = Math.max(worstPut, t1 - t0);
        worstGet = Math.max(worstGet, t2 - t1);
        rounds++;
      }
    } finally {
      attacking.set(false);
      attackers.shutdown();
      assertThat(attackers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    System.out.printf("[measure] ZooKeeper flooded by a stranger (%d creates refused, %d stored): %d file put+get rounds "
        + "(64 KiB), worst put %d ms, worst get %d ms%n", refused.get(), created.get(), rounds, worstPut / 1_000_000,
        worstGet / 1_000_000);
    assertThat(created.get()).as("znodes a stranger stored").isZero();
    assertThat(refused.get()).isPositive();
    assertThat(rounds).isPositive();
    try (CuratorFramework anon = CuratorFrameworkFactory.newClient(cluster.zkConnect(), new RetryOneTime(100))) {
      anon.start();
      assertThat(anon.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
      assertThat(anon.getChildren().forPath("/")).containsExactlyInAnyOrder("dyad", "zookeeper");
    }
  }

  @Test
  void aStrangerOnADirectoryPortChangesAndReadsNothing() throws Exception {
    files.mkdir("guarded", "/before", false);
    ClusterSnapshot s = cluster.view().current();
    String primary = io.dyad.directory.api.PairRoles.primary(s, s.pairs().get(s.volumes().get("guarded")
        .directoryPair())).orElseThrow();
    DirectoryServer.Client directory = new DirectoryServer.Client(ThriftConnections.open(address(primary),
        ThriftClientConfig.defaults()));
    try {
      assertThat(directory.status().getMember()).isEqualTo(primary);
      denied(() -> directory.submit("guarded", ChangeOp.mkdir(new Mkdir("/planted", false, 0, 0)), s.epoch(), ""));
      denied(() -> directory.stat("guarded", "/", s.epoch()));
      denied(() -> directory.listDirectory("guarded", "/", "", 10, s.epoch()));
      denied(() -> directory.findVolume("guarded"));
      denied(() -> directory.digest("guarded"));
      denied(() -> directory.fetchLog("guarded", 1, 10, s.epoch()));
      denied(() -> directory.replicate("da9", "guarded", List.of(), s.epoch()));
    } finally {
      directory.getInputProtocol().getTransport().close();
    }
    assertThat(files.stat("guarded", "/before").directory()).isTrue();
    assertThatThrownBy(() -> files.stat("guarded", "/planted")).as("nothing planted")
        .isInstanceOf(io.dyad.common.DyadException.class);
    files.mkdir("guarded", "/after", false);
  }
}
