package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's path through real processes: dyad zk, dyad admin init, dyad coordinator, dyad node --zk,
 * dyad status, dyad admin failover/failback — and a node killed with SIGKILL.
 */
class ClusterCliIT {
  private static final Duration START = Duration.ofSeconds(60);

  @TempDir Path tmp;
  private final List<DyadProcess> daemons = new ArrayList<>();
  private Map<String, String> env;
  private int nodePort;
  private int adminPort;

  @BeforeEach
  void startZooKeeper() throws Exception {
    int zkPort = FreePorts.freeOnAll("127.0.0.1");
    DyadProcess zk = daemon("zk", "--data", tmp.resolve("zk").toString(), "--port", Integer.toString(zkPort),
        "--tick-ms", "100");
    zk.awaitOutput("zookeeper listening on", START);
    env = Map.of("DYAD_ZK", "127.0.0.1:" + zkPort);
    nodePort = FreePorts.freeOnAll("127.0.1.31", "127.0.2.31", "127.0.1.32", "127.0.2.32");
    adminPort = FreePorts.freeOnAll("127.0.1.31", "127.0.2.31", "127.0.1.32", "127.0.2.32");
  }

  @AfterEach
  void stopAll() throws Exception {
    for (int i = daemons.size() - 1; i >= 0; i--) {
      daemons.get(i).close();
    }
  }

  private DyadProcess daemon(String... args) throws Exception {
    DyadProcess p = DyadProcess.start(tmp.resolve("logs"), env == null ? Map.of() : env, args);
    daemons.add(p);
    return p;
  }

  private DyadProcess.Result dyad(String... args) throws Exception {
    return DyadProcess.run(tmp.resolve("logs"), env, Duration.ofSeconds(90), args);
  }

  private Path description(String name, String body) throws Exception {
    return Files.writeString(tmp.resolve(name), body.replace("ADMIN", Integer.toString(adminPort))
        .replace("PORT", Integer.toString(nodePort)));
  }

  private static final String GOOD = String.join("\n",
      "name: cli-test",
      "centers: {A: {subnet: 127.0.1.0/24}, B: {subnet: 127.0.2.0/24}}",
      "members:",
      "  - {id: a1, kind: storage, center: A, address: 127.0.1.31:PORT, adminAddress: 127.0.1.31:ADMIN}",
      "  - {id: a2, kind: storage, center: A, address: 127.0.1.32:PORT, adminAddress: 127.0.1.32:ADMIN}",
      "pairs:",
      "  - {id: p1, a: a1, b: b1}",
      "  - {id: p2, a: a2, b: b2}", "");

  @Test
  void anOperatorBuildsAClusterWatchesAFailoverAndFailsOverByHand() throws Exception {
    DyadProcess.Result bad = dyad("admin", "init", "--config", description("bad.yaml", GOOD.replace(
        "  - {id: p2, a: a2, b: b2}", "  - {id: p2, a: a2, b: b1}")).toString());
    assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.stderr()).contains("is invalid").contains("pairs must be one-to-one").doesNotContain("\tat ");

    DyadProcess.Result dry = dyad("admin", "init", "--config", description("good.yaml", GOOD).toString(), "--dry-run");
    assertThat(dry.exitCode()).as(dry.stderr()).isZero();
    assertThat(dry.stdout()).as("what it would write").contains("/dyad/members/b1  {\"v\":1,\"id\":\"b1\"")
        .contains("/dyad/pairs/p2  {").contains("/dyad/admitted").contains("nothing written");
    DyadProcess.Result init = dyad("admin", "init", "--config", tmp.resolve("good.yaml").toString());
    assertThat(init.exitCode()).as(init.stderr()).isZero();
    assertThat(init.stdout()).contains("generated member b1 in center B at 127.0.2.31:" + nodePort);
    assertThat(dyad("admin", "init", "--config", tmp.resolve("good.yaml").toString()).exitCode()).isEqualTo(6);

    for (String id : new String[] {"a1", "b1", "a2", "b2"}) {
      daemon("node", "--id", id, "--data", tmp.resolve(id).toString(), "--zk-session-ms", "2000")
          .awaitOutput("listening on", START);
    }
    daemon("coordinator", "--id", "c1", "--grace-ms", "500").awaitOutput("coordinator c1 running", START);

    // each node serves its admin port on its declared address (b1, b2: mapped from a1's, a2's)
    await().atMost(START).untilAsserted(() -> assertThat(dyad("status").stdout())
        .contains("coordinator c1")
        .containsPattern("a1\\s+A\\s+127.0.1.31:" + nodePort + "\\s+yes\\s+ok\\s+serving")
        .containsPattern("b2\\s+B\\s+127.0.2.32:" + nodePort + "\\s+yes\\s+ok\\s+serving")
        .containsPattern("serving\\s+\\d+\\.\\d calls/s, in \\d+\\.\\d MB/s, out \\d+\\.\\d MB/s"));
    String health = AdminPortIT.httpGet("http://127.0.2.31:" + adminPort + "/health");
    assertThat(health).contains("\"healthy\" : true").contains("\"zookeeper\"").contains("\"not-fenced\"")
        .contains("\"partner-reachable\"").contains("\"data-directory\"");
    assertThat(AdminPortIT.httpGet("http://127.0.1.31:" + adminPort + "/metrics"))
        .contains("zookeeper_connected 1").contains("member_failover_state 0");

    daemons.get(1).kill9(); // node a1
    await().atMost(START).untilAsserted(() -> assertThat(dyad("status").stdout())
        .containsPattern("a1\\s+A\\s+\\S+\\s+NO\\s+unreachable \\(127.0.1.31:" + adminPort + "\\)\\s+FAILED_OVER -> b1")
        .containsPattern("b1\\s+B\\s+\\S+\\s+yes\\s+FAILING: partner-reachable\\s+serving, also for a1"));
    assertThat(dyad("status", "--json").stdout()).contains("\"servedBy\" : \"b1\"");

    DyadProcess.Result failover = dyad("admin", "failover", "a2", "--reason", "disk swap");
    assertThat(failover.exitCode()).as(failover.stderr()).isZero();
    assertThat(failover.stdout()).contains("a2: FAILED_OVER, served by b2");
    DyadProcess.Result failback = dyad("admin", "failback", "a2");
    assertThat(failback.exitCode()).as(failback.stderr()).isZero();
    assertThat(failback.stdout()).contains("a2: RESYNCING from b2");

    DyadProcess.Result unknown = dyad("admin", "failover", "zz");
    assertThat(unknown.exitCode()).isEqualTo(3);
    assertThat(unknown.stderr()).contains("member zz is not declared");
  }

  @Test
  void commandsWithoutAReachableZooKeeperFailInOneSentence() throws Exception {
    int nobody = FreePorts.freeOnAll("127.0.0.1");
    DyadProcess.Result r = DyadProcess.run(tmp.resolve("logs"), Map.of(), Duration.ofSeconds(60),
        "status", "--zk", "127.0.0.1:" + nobody, "--zk-connect-seconds", "2");
    assertThat(r.exitCode()).isEqualTo(4);
    assertThat(r.stderr().strip()).isEqualTo("dyad: cannot reach ZooKeeper at 127.0.0.1:" + nobody + " within 2 s");
    DyadProcess.Result empty = dyad("status");
    assertThat(empty.exitCode()).isEqualTo(3);
    assertThat(empty.stderr()).contains("holds no Dyad cluster");
  }
}
