package io.dyad.coordinator.it;

import io.dyad.common.DyadException;
import io.dyad.coordinator.admin.ClusterDescription;
import io.dyad.coordinator.admin.ClusterDescription.CenterSpec;
import io.dyad.coordinator.admin.ClusterDescription.MemberSpec;
import io.dyad.coordinator.admin.ClusterDescription.PairSpec;
import io.dyad.coordinator.admin.ClusterDescriptionValidator;
import io.dyad.coordinator.admin.ClusterInit;
import io.dyad.coordinator.zk.ZkClients;
import io.dyad.coordinator.zk.ZkConfig;
import java.io.File;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.ZooKeeper;

/**
 * A real standalone ZooKeeper (curator-test's TestingServer, short ticks so that sessions can be short),
 * plus helpers every coordinator test needs: clients, a two-center cluster, session expiry.
 */
public final class ZkHarness implements AutoCloseable {
  /** Ticks of 100 ms let sessions be as short as 200 ms (ZooKeeper allows 2 to 20 ticks). */
  static final int TICK_MS = 100;

  final TestingServer server;
  private final List<CuratorFramework> clients = new ArrayList<>();

  private ZkHarness(TestingServer server) {
    this.server = server;
  }

  public static ZkHarness start() throws Exception {
    File dir = Files.createTempDirectory("zk-").toFile();
    InstanceSpec spec = new InstanceSpec(dir, -1, -1, -1, true, -1, TICK_MS, -1);
    return new ZkHarness(new TestingServer(spec, true));
  }

  public String connectString() {
    return server.getConnectString();
  }

  public ZkConfig config(Duration sessionTimeout) {
    return ZkConfig.of(connectString()).withSessionTimeout(sessionTimeout).withConnectTimeout(Duration.ofSeconds(10));
  }

  /** A started client rooted at /dyad; closed with the harness. */
  public CuratorFramework client(Duration sessionTimeout) throws DyadException {
    CuratorFramework c = ZkClients.connect(config(sessionTimeout));
    clients.add(c);
    return c;
  }

  /** A cluster of two centers and two storage pairs: p1 = (a1, b1), p2 = (a2, b2). */
  public static ClusterDescription twoPairs() {
    return new ClusterDescription("test", Map.of("A", new CenterSpec("127.0.1.0/24", null), "B", new CenterSpec("127.0.2.0/24", null)),
        List.of(new MemberSpec("a1", "storage", "A", "127.0.1.11:9100", null),
            new MemberSpec("a2", "storage", "A", "127.0.1.12:9100", null)),
        List.of(new PairSpec("p1", null, "a1", "b1"), new PairSpec("p2", null, "a2", "b2")));
  }

  public void init(ClusterDescription d) throws Exception {
    ClusterInit.apply(client(Duration.ofSeconds(10)), ClusterDescriptionValidator.validate(d), Clock.systemUTC());
  }

  /**
   * Expires {@code client}'s session on the server, as if the member had been silent for the session timeout:
   * a second handle with the same session id and password is opened and closed (ZooKeeper then ends the
   * session and deletes its ephemeral znodes at once).
   */
  public void expireSession(CuratorFramework client) throws Exception {
    ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper twin = new ZooKeeper(connectString(), 10_000, e -> {
      if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
        connected.countDown();
      }
    }, zk.getSessionId(), zk.getSessionPasswd());
    if (!connected.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("could not attach to the session to expire it");
    }
    twin.close();
  }

  @Override
  public void close() throws Exception {
    for (CuratorFramework c : clients) {
      c.close();
    }
    server.close();
  }
}
