package io.dyad.coordinator.it;

import static org.awaitility.Awaitility.await;

import io.dyad.coordinator.admin.ClusterDescriptionValidator;
import io.dyad.coordinator.admin.ClusterInit;
import io.dyad.coordinator.admin.FailoverRequests;
import io.dyad.coordinator.failover.CoordinatorConfig;
import io.dyad.coordinator.failover.CoordinatorService;
import io.dyad.coordinator.membership.Registration;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.coordinator.view.CuratorClusterView;
import io.dyad.coordinator.zk.ZkClients;
import io.dyad.coordinator.zk.ZkConfig;
import java.io.File;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingZooKeeperServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A three-server ensemble: one server lost changes nothing; quorum lost stops all acting until it returns. */
class QuorumIT {
  private static final Duration SESSION = Duration.ofSeconds(3);

  private TestingCluster ensemble;
  private final List<CuratorFramework> clients = new ArrayList<>();
  private final List<com.google.common.util.concurrent.Service> services = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (var s : services) {
      s.stopAsync();
    }
    for (var s : services) {
      try {
        s.awaitTerminated(Duration.ofSeconds(10));
      } catch (Exception ignored) {
        // stopping after a failure is fine here
      }
    }
    for (CuratorFramework c : clients) {
      c.close();
    }
    ensemble.close();
  }

  private CuratorFramework client() throws Exception {
    CuratorFramework c = ZkClients.connect(ZkConfig.of(ensemble.getConnectString()).withSessionTimeout(SESSION)
        .withConnectTimeout(Duration.ofSeconds(20)));
    clients.add(c);
    return c;
  }

  private <S extends com.google.common.util.concurrent.Service> S started(S s) {
    s.startAsync().awaitRunning();
    services.add(s);
    return s;
  }

  @Test
  void losingOneServerOfThreeChangesNothingAndLosingQuorumStopsActingUntilItReturns() throws Exception {
    List<InstanceSpec> specs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      File dir = Files.createTempDirectory("zk-ensemble-").toFile();
      specs.add(new InstanceSpec(dir, -1, -1, -1, true, i + 1, ZkHarness.TICK_MS, -1));
    }
    ensemble = new TestingCluster(specs);
    ensemble.start();
    ClusterInit.apply(client(), ClusterDescriptionValidator.validate(ZkHarness.twoPairs()), Clock.systemUTC());
    ClusterView view = started(new CuratorClusterView(client(), Duration.ofSeconds(20)));
    List<Registration> regs = new ArrayList<>();
    for (String id : new String[] {"a1", "b1", "b2"}) {
      regs.add(started(Registration.onZooKeeper(client(), id, "127.0.0.1:1", () -> "data-" + id, Clock.systemUTC(), SESSION)));
    }
    CoordinatorService coordinator = started(new CoordinatorService(client(), started(new CuratorClusterView(client(),
        Duration.ofSeconds(20))), new CoordinatorConfig("c1", Duration.ofMillis(300)), Clock.systemUTC()));
    await().atMost(Duration.ofSeconds(20)).until(coordinator::isActing);

    // one server of three lost: members register, the coordinator acts
    List<TestingZooKeeperServer> servers = ensemble.getServers();
    servers.get(0).kill();
    regs.add(started(Registration.onZooKeeper(client(), "a2", "127.0.0.1:1", () -> "data-" + "a2", Clock.systemUTC(), SESSION)));
    new FailoverRequests(client(), Clock.systemUTC()).hold(List.of("a1"), "quorum test", "test");
    await().atMost(Duration.ofSeconds(20)).until(() -> view.current().failover("a1").isPresent());
    // members whose server died reconnect to another one within their session: nobody stays fenced
    await().atMost(Duration.ofSeconds(20)).until(() -> regs.stream().allMatch(Registration::mayAcceptWrites));

    // quorum lost: every member fences itself, the coordinator stops acting
    servers.get(1).kill();
    await().atMost(Duration.ofSeconds(20)).until(() -> regs.stream().noneMatch(Registration::mayAcceptWrites));
    await().atMost(Duration.ofSeconds(20)).until(() -> !coordinator.isActing());

    // quorum back: members register again, the coordinator leads and acts again
    servers.get(0).restart();
    servers.get(1).restart();
    await().atMost(Duration.ofSeconds(60)).until(() -> regs.stream().allMatch(Registration::mayAcceptWrites));
    await().atMost(Duration.ofSeconds(60)).until(coordinator::isActing);
    new FailoverRequests(client(), Clock.systemUTC()).hold(List.of("a2"), "after quorum", "test");
    await().atMost(Duration.ofSeconds(20)).until(() -> view.current().failover("a2").isPresent());
  }
}
