package io.dyad.cli;

import static org.awaitility.Awaitility.await;

import com.google.common.net.HostAndPort;
import com.google.common.util.concurrent.Service;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.Coordination;
import io.dyad.coordinator.ZkSession;
import io.dyad.coordinator.admin.ClusterDescription;
import io.dyad.coordinator.admin.ClusterDescriptionValidator;
import io.dyad.coordinator.failover.CoordinatorAssembly;
import io.dyad.coordinator.failover.CoordinatorConfig;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.coordinator.zk.ZkConfig;
import io.dyad.directory.api.DirectoryClient;
import io.dyad.directory.api.PairRoles;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.thrift.Applied;
import io.dyad.thrift.ChangeOp;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A directory pair as real processes: an embedded ZooKeeper (100 ms ticks), a coordinator in this JVM, and
 * {@code bin/dyad directory} processes da1 (127.0.1.21) and db1 (127.0.2.21) with 2 s sessions — killable with
 * SIGKILL, pausable with SIGSTOP. Changes go to the primary of the test's view, as a DDM sends them.
 */
final class DirectoryCluster implements AutoCloseable {
  static final Duration SESSION = Duration.ofSeconds(2);
  static final Duration GRACE = Duration.ofMillis(500);
  static final String A = "da1";
  static final String B = "db1";

  private final Path dir;
  private final int zkPort;
  private final EmbeddedZooKeeper zk;
  private final ZkSession infra;
  final ClusterView view;
  private final List<Service> services = new ArrayList<>();
  private final Map<String, DyadProcess> processes = new LinkedHashMap<>();
  private final ThreadLocal<Map<String, DirectoryClient>> clients = ThreadLocal.withInitial(HashMap::new);
  private final List<DirectoryClient> allClients = new CopyOnWriteArrayList<>();

  DirectoryCluster(Path dir) throws Exception {
    this.dir = dir;
    zkPort = FreePorts.freeOnAll("127.0.0.1");
    zk = started(new EmbeddedZooKeeper(dir.resolve("zk"), new InetSocketAddress("127.0.0.1", zkPort), 100));
    int port = FreePorts.freeOnAll("127.0.1.21", "127.0.2.21");
    infra = ZkSession.connect(ZkConfig.of("127.0.0.1:" + zkPort).withSessionTimeout(Duration.ofSeconds(10)));
    infra.initCluster(ClusterDescriptionValidator.validate(new ClusterDescription("directories",
        Map.of("A", new ClusterDescription.CenterSpec("127.0.1.0/24", null),
            "B", new ClusterDescription.CenterSpec("127.0.2.0/24", null)),
        List.of(new ClusterDescription.MemberSpec(A, "directory", "A", "127.0.1.21:" + port, null)),
        List.of(new ClusterDescription.PairSpec("dp1", "directory", A, B)))));
    view = started(infra.clusterView());
    started(CoordinatorAssembly.create(new CoordinatorConfig("test-coordinator", GRACE), new Coordination(infra, view)));
    start(A);
    start(B);
    awaitServing(A, B);
  }

  private <S extends Service> S started(S s) {
    s.startAsync().awaitRunning();
    services.add(s);
    return s;
  }

  String zkConnect() {
    return "127.0.0.1:" + zkPort;
  }

  Path logs() {
    return dir.resolve("logs");
  }

  Path data(String member) {
    return dir.resolve("data-" + member);
  }

  void start(String member) throws Exception {
    DyadProcess p = DyadProcess.start(dir.resolve("logs"), Map.of("DYAD_HEAP", "-Xmx192m"), "directory", "--id",
        member, "--data", data(member).toString(), "--zk", "127.0.0.1:" + zkPort, "--zk-session-ms",
        Long.toString(SESSION.toMillis()), "--patience-seconds", "3");
    processes.put(member, p);
    p.awaitOutput("listening on", Duration.ofSeconds(60));
  }

  DyadProcess process(String member) {
    return processes.get(member);
  }

  void kill(String member) throws InterruptedException {
    processes.remove(member).kill9();
  }

  void awaitServing(String... members) {
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      ClusterSnapshot s = view.current();
      for (String m : members) {
        if (!s.isServing(m)) {
          return false;
        }
      }
      return true;
    });
  }

  String primary() {
    ClusterSnapshot s = view.current();
    return PairRoles.primary(s, s.pairs().get("dp1")).orElse(null);
  }

  HostAndPort address(String member) {
    return HostAndPort.fromString(view.current().members().get(member).address());
  }

  /** This thread's connection to the member (a fresh one if the last broke or the member restarted). */
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
      // The member heard of a new epoch before this test's view did: wait for the view, then resend, as a DDM does.
      await().atMost(Duration.ofSeconds(30)).until(() -> view.current().epoch() > epoch);
      return submitUnder(view.current().epoch(), volume, op, requestId);
    }
  }

  private Applied submitUnder(long epoch, String volume, ChangeOp op, String requestId) throws DyadException {
    String p = primary();
    if (p == null) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "no directory of the pair serves");
    }
    return client(p).submit(volume, op, epoch, requestId);
  }

  @Override
  public void close() throws Exception {
    for (DirectoryClient c : allClients) {
      c.close();
    }
    for (DyadProcess p : processes.values()) {
      p.close();
    }
    for (Service s : com.google.common.collect.Lists.reverse(services)) {
      s.stopAsync().awaitTerminated();
    }
    infra.close();
  }
}
