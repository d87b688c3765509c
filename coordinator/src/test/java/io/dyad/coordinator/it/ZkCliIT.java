package io.dyad.coordinator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dyad.coordinator.admin.FailoverRequests;
import io.dyad.coordinator.failover.CoordinatorConfig;
import io.dyad.coordinator.failover.CoordinatorService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What an operator sees with the ZooKeeper CLI (org.apache.zookeeper.ZooKeeperMain, as zkCli.sh runs it). */
class ZkCliIT {
  private static String zkCli(String connect, String... command) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        "org.apache.zookeeper.ZooKeeperMain", "-server", connect));
    cmd.addAll(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new String(out, StandardCharsets.UTF_8);
  }

  @Test
  void anOperatorListsDyadAndReadsPairsAndFailoversAsJson() throws Exception {
    try (ZkHarness zk = ZkHarness.start(); Members members = new Members(zk)) {
      zk.init(ZkHarness.twoPairs());
      for (String id : new String[] {"a1", "b1"}) {
        members.register(id, Duration.ofSeconds(2));
      }
      CoordinatorService c = new CoordinatorService(zk.client(Duration.ofSeconds(2)), members.view(),
          new CoordinatorConfig("c1", Duration.ofSeconds(30)), Clock.systemUTC());
      c.startAsync().awaitRunning();
      try {
        new FailoverRequests(zk.client(Duration.ofSeconds(2)), Clock.systemUTC()).hold(List.of("a1"), "cli test", "ops");
        var view = members.view();
        await().atMost(Duration.ofSeconds(15)).until(() -> view.current().failover("a1").isPresent());

        assertThat(zkCli(zk.connectString(), "ls", "/dyad"))
            .contains("[admin, admitted, cluster, ddm, dosm, election, epoch, failover, live, members, pairs, resync, "
                + "volumes]");
        assertThat(zkCli(zk.connectString(), "get", "/dyad/pairs/p1")).contains(
            "{\"v\":1,\"id\":\"p1\",\"kind\":\"storage\",\"a\":\"a1\",\"b\":\"b1\",\"aAddress\":\"127.0.1.11:9100\","
                + "\"bAddress\":\"127.0.2.11:9100\",\"joining\":false}");
        assertThat(zkCli(zk.connectString(), "get", "/dyad/failover/a1"))
            .containsPattern("\\{\"v\":1,\"member\":\"a1\",\"servedBy\":\"b1\",\"since\":\\d+,"
                + "\"reason\":\"operator: cli test\",\"epoch\":\\d+,\"state\":\"FAILED_OVER\",\"decidedBy\":\"c1\","
                + "\"wasComplete\":false,\"lastWritableEpoch\":0\\}");
        assertThat(zkCli(zk.connectString(), "get", "/dyad/admitted/b1"))
            .containsPattern("\\{\"v\":1,\"member\":\"b1\",\"incarnation\":\\d+,\"dataId\":\"data-b1\",\"epoch\":\\d+,"
                + "\"since\":\\d+,\"decidedBy\":\"c1\"\\}");
      } finally {
        c.stopAsync().awaitTerminated();
      }
    }
  }
}
