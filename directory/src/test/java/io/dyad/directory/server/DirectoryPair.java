package io.dyad.directory.server;

import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.ZkSession;
import io.dyad.coordinator.admin.ClusterDescription;
import io.dyad.coordinator.admin.ClusterDescriptionValidator;
import io.dyad.coordinator.failover.CoordinatorConfig;
import io.dyad.coordinator.failover.CoordinatorService;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.coordinator.zk.ZkConfig;
import io.dyad.directory.api.DirectoryClient;
import io.dyad.directory.api.PairRoles;
import io.dyad.directory.namespace.NamespaceStore;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.rpc.server.ThriftServerConfig;
import io.dyad.thrift.Applied;
import io.dyad.thrift.ChangeOp;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * One directory pair on real parts, in this JVM: a ZooKeeper server (100 ms ticks), a coordinator, and directory
 * servers da1 (127.0.1.21) and db1 (127.0.2.21) on a free port, each with its own ZooKeeper session and data
 * directory. {@link #stop} ends a member's session at once (a clean stop); {@link #start} brings it back on its
 * data, {@link #wipe} removes that data first.
 */
final class DirectoryPair implements AutoCloseable {
  static final Duration SESSION = Duration.ofSeconds(2);
  static final Duration GRACE = Duration.ofMillis(300);
  static final String A = "da1";
  static final String B = "db1";

  final Path dir;
  private final TestingServer zk;
  private final ZkSession coordinatorSession;
  final ClusterView view;
  private final CoordinatorService coordinator;
  private final Map<String, Running> running = new HashMap<>();
  /** connections per thread (a client is not thread-safe), all closed at the end */
  private final ThreadLocal<Map<String, DirectoryClient>> clients = ThreadLocal.withInitial(HashMap::new);
  private final List<DirectoryClient> allClients = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final int port;

  private record Running(ZkSession session, ClusterView view, DirectoryMember member) {}

  DirectoryPair(Path dir) throws Exception {
    this(dir, false);
  }

  /** @param oneCenter both directories in center A (127.0.1.21 and 127.0.1.22), as claim 26 allows */
  DirectoryPair(Path dir, boolean oneCenter) throws Exception {
    this.dir = dir;
    File zkDir = Files.createDirectories(dir.resolve("zk")).toFile();
    zk = new TestingServer(new InstanceSpec(zkDir, -1, -1, -1, true, -1, 100, -1), true);
    String bHost = oneCenter ? "127.0.1.22" : "127.0.2.21";
    port = freePort("127.0.1.21", bHost);
    List<ClusterDescription.MemberSpec> members = new java.util.ArrayList<>(List.of(
        new ClusterDescription.MemberSpec(A, "directory", "A", "127.0.1.21:" + port, null)));
    if (oneCenter) {
      members.add(new ClusterDescription.MemberSpec(B, "directory", "A", bHost + ":" + port, null));
    }
    coordinatorSession = ZkSession.connect(config(Duration.ofSeconds(10)));
    coordinatorSession.initCluster(ClusterDescriptionValidator.validate(new ClusterDescription("dirs",
        Map.of("A", new ClusterDescription.CenterSpec("127.0.1.0/24", null),
            "B", new ClusterDescription.CenterSpec("127.0.2.0/24", null)),
        members, List.of(new ClusterDescription.PairSpec("dp1", "directory", A, B)))));
    view = coordinatorSession.clusterView();
    view.startAsync().awaitRunning();
    coordinator = coordinatorSession.coordinator(view, new CoordinatorConfig("test-coordinator", GRACE));
    coordinator.startAsync().awaitRunning();
  }

  private ZkConfig config(Duration session) {
    return ZkConfig.of(zk.getConnectString()).withSessionTimeout(session).withConnectTimeout(Duration.ofSeconds(10));
  }

  /** A port free on both members' addresses. */
  private static int freePort(String a, String b) throws IOException {
    for (int i = 0; i < 50; i++) {
      int p;
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(a))) {
        p = s.getLocalPort();
      }
      try (ServerSocket s = new ServerSocket(p, 1, java.net.InetAddress.getByName(b))) {
        return p;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no port free on both " + a + " and " + b);
  }

  HostAndPort address(String member) {
    return HostAndPort.fromString(view.current().members().get(member).address());
  }

  Path data(String member) {
    return dir.resolve("data-" + member);
  }

  void start(String member) throws DyadException {
    ZkSession session = ZkSession.connect(config(SESSION));
    ClusterView v = session.clusterView();
    v.startAsync().awaitRunning();
    MemberInfo info = v.current().members().get(member);
    HostAndPort a = HostAndPort.fromString(info.address());
    DirectoryConfig config = new DirectoryConfig(member, data(member),
        ThriftServerConfig.forChunks(new InetSocketAddress(a.getHost(), a.getPort()), DirectoryConfig.MAX_REPLY_CHUNK)
            .withWorkers(8),
        Duration.ofSeconds(3), 1_000_000, Duration.ofSeconds(1), java.util.Optional.empty());
    DirectoryMember m = DirectoryAssembly.create(new DirectoryAssembly.Config(config, info, java.util.Optional.empty()),
        new io.dyad.coordinator.Coordination(session, v), new MetricRegistry());
    m.service().startAsync().awaitRunning();
    running.put(member, new Running(session, v, m));
  }

  /** Stops the member and closes its session: its live znode goes at once. */
  void stop(String member) {
    Running r = running.remove(member);
    r.member().service().stopAsync().awaitTerminated();
    r.view().stopAsync().awaitTerminated();
    r.session().close();
  }

  void wipe(String member) throws IOException {
    NamespaceStore.deleteTree(data(member));
  }

  DirectoryMember member(String member) {
    return running.get(member).member();
  }

  String state(String member) {
    Running r = running.get(member);
    return r == null ? "STOPPED" : r.member().status().name();
  }

  void awaitServing(String... members) {
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      for (String m : members) {
        if (!state(m).equals("SERVING") || !view.current().isServing(m)) {
          return false;
        }
      }
      return true;
    });
  }

  /** The primary in the test's view, if one serves. */
  String primary() {
    ClusterSnapshot s = view.current();
    PairInfo pair = s.pairs().get("dp1");
    return PairRoles.primary(s, pair).orElse(null);
  }

  /** This thread's connection to the member. */
  DirectoryClient client(String member) throws DyadException {
    Map<String, DirectoryClient> mine = clients.get();
    DirectoryClient c = mine.get(member);
    if (c == null || c.isBroken() || c.closedByPeer()) {
      if (c != null) {
        c.close();
      }
      c = DirectoryClient.connect(address(member), ThriftClientConfig.defaults()
          .withRequestTimeout(Duration.ofSeconds(10)));
      mine.put(member, c);
      allClients.add(c);
    }
    return c;
  }

  /** Submits to the primary of the test's view, as a DDM does. */
  Applied submit(String volume, ChangeOp op) throws DyadException {
    return submit(volume, op, "");
  }

  /** As a DDM sends a request: with its id, the same on every retry ("" for none). */
  Applied submit(String volume, ChangeOp op, String requestId) throws DyadException {
    long epoch = view.current().epoch();
    try {
      return submitUnder(epoch, volume, op, requestId);
    } catch (DyadException e) {
      if (e.code() != ErrorCode.STALE_EPOCH) {
        throw e;
      }
      // The member heard of a new epoch before this test's view did (a refused change is not applied): wait for the
      // view, then resend to the primary it names, as a DDM does.
      await().atMost(Duration.ofSeconds(30))
          .until(() -> view.current().epoch() > epoch);
      return submitUnder(view.current().epoch(), volume, op, requestId);
    }
  }

  private Applied submitUnder(long epoch, String volume, ChangeOp op, String requestId) throws DyadException {
    String p = primary();
    if (p == null) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "no primary serves");
    }
    return client(p).submit(volume, op, epoch, requestId);
  }

  List<String> runningMembers() {
    return new ArrayList<>(running.keySet());
  }

  @Override
  public void close() throws Exception {
    for (DirectoryClient c : allClients) {
      c.close();
    }
    for (String m : runningMembers()) {
      stop(m);
    }
    coordinator.stopAsync().awaitTerminated();
    view.stopAsync().awaitTerminated();
    coordinatorSession.close();
    zk.close();
  }
}
