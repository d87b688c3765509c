package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command: 'dyad local' starts a working cluster with access control (one DOSM and, by default,
 * two DDMs here), prints the environment the other commands need on its ready line, and the object, volume and file
 * commands work against it.
 */
class LocalClusterIT {
  // a dyad local for each test: they start it differently (members in-process, or as processes) and end it
  // differently (SIGTERM, kill -9), and how it starts and ends is what they check
  @TempDir Path tmp;

  private DyadProcess.Result run(Map<String, String> env, String... args) throws Exception {
    return DyadProcess.run(tmp.resolve("logs"), env, Duration.ofSeconds(60), args);
  }

  private static void ok(DyadProcess.Result r) {
    assertThat(r.exitCode()).as(r.stderr()).isZero();
  }

  /** The assignments after "export" on the ready line. */
  private static Map<String, String> exported(String readyLine) {
    Map<String, String> env = new HashMap<>();
    for (String assignment : readyLine.substring(readyLine.indexOf("export ") + 7).trim().split("\\s+")) {
      int eq = assignment.indexOf('=');
      env.put(assignment.substring(0, eq), assignment.substring(eq + 1));
    }
    return env;
  }

  @Test
  void dyadLocalServesObjectsAndFilesAndStopsCleanly() throws Exception {
    int zkPort = FreePorts.freeOnAll("127.0.0.1");
    int dosmPort = FreePorts.freeOnAll("127.0.0.1");
    int ddmPort = FreePorts.freeRunOnAll(2, "127.0.0.1");
    int nodePort = FreePorts.freeOnAll("127.0.1.11", "127.0.1.12", "127.0.1.13", "127.0.2.11", "127.0.2.12", "127.0.2.13");
    int dirPort = FreePorts.freeOnAll("127.0.1.21", "127.0.1.22", "127.0.2.21", "127.0.2.22");
    try (DyadProcess local = DyadProcess.start(tmp.resolve("logs"), Map.of(), "local", "--data",
        tmp.resolve("cluster").toString(), "--zk-port", Integer.toString(zkPort), "--node-port",
        Integer.toString(nodePort), "--directory-port", Integer.toString(dirPort), "--dosm-port",
        Integer.toString(dosmPort), "--ddm-port", Integer.toString(ddmPort), "--gateways", "1")) {
      String ready = local.awaitOutput("(dyad local ready: .*)", Duration.ofSeconds(90));
      String out = local.stdout();
      assertThat(out.lines().findFirst().orElse("")).as("the ZooKeeper connect string comes first")
          .startsWith("zookeeper 127.0.0.1:" + zkPort);
      assertThat(out).contains("node a1 127.0.1.11:" + nodePort).contains("node b3 127.0.2.13:" + nodePort)
          .contains("directory da1 127.0.1.21:" + dirPort).contains("directory db2 127.0.2.22:" + dirPort)
          .contains("dosm local-dosm 127.0.0.1:" + dosmPort).contains("ddm local-ddm 127.0.0.1:" + ddmPort)
          .contains("ddm local-ddm-2 127.0.0.1:" + (ddmPort + 1));
      Map<String, String> env = exported(ready);
      assertThat(env).containsEntry("DYAD_ZK", "127.0.0.1:" + zkPort)
          .containsEntry("DYAD_GATEWAYS", "127.0.0.1:" + dosmPort).containsEntry("DYAD_DDM",
              "127.0.0.1:" + ddmPort + ",127.0.0.1:" + (ddmPort + 1))
          .containsKey("DYAD_SECRET_FILE").containsKeys("DYAD_TLS_CA", "DYAD_TLS_CERT", "DYAD_TLS_KEY",
              "DYAD_ZK_TLS_CA", "DYAD_ZK_TLS_KEYSTORE");
      assertThat(Path.of(env.get("DYAD_SECRET_FILE"))).isRegularFile();
      assertThat(out).as("secure by default").contains("access control: on").contains("tls: on, client certificates "
          + "required").contains("zookeeper 127.0.0.1:" + zkPort + " (data").contains("TLS only");
      zooKeeperCli(env);

      byte[] data = new byte[200_000];
      new Random(3).nextBytes(data);
      Path file = Files.write(tmp.resolve("in.bin"), data);
      objects(env, file);
      files(env, file);
      assertThat(local.terminate(Duration.ofSeconds(60))).isEqualTo(143);
    }
  }

  /** The ZooKeeper CLI reaches the TLS-only ZooKeeper with the exported settings, and only with them. */
  private void zooKeeperCli(Map<String, String> env) throws Exception {
    Path cli = DyadProcess.launcher().resolveSibling("dyad-zkcli");
    ProcessBuilder withTls = new ProcessBuilder(cli.toString(), "ls", "/dyad").redirectErrorStream(true);
    withTls.environment().putAll(env);
    Process p = withTls.start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(out).as("dyad-zkcli ls /dyad over TLS").contains("cluster").contains("members");
    Map<String, String> plain = new HashMap<>(env);
    plain.remove("DYAD_ZK_TLS_CA");
    DyadProcess.Result status = run(plain, "status", "--zk-connect-seconds", "3");
    assertThat(status.exitCode()).as("a plain client of the TLS-only ZooKeeper").isEqualTo(4);
    assertThat(status.stderr()).contains("cannot reach ZooKeeper");
  }

  private void objects(Map<String, String> env, Path file) throws Exception {
    DyadProcess.Result put = run(env, "object", "put", file.toString());
    ok(put);
    String id = put.stdout().strip();
    ok(run(env, "object", "get", id, tmp.resolve("out.bin").toString()));
    assertThat(Files.readAllBytes(tmp.resolve("out.bin"))).isEqualTo(Files.readAllBytes(file));
    DyadProcess.Result locate = run(env, "object", "locate", id);
    assertThat(locate.stdout()).containsPattern("a\\d .* center A .*PRESENT .*placement")
        .containsPattern("b\\d .* center B .*PRESENT .*placement");
    DyadProcess.Result missing = run(env, "object", "get", "no-such-object", tmp.resolve("x").toString());
    assertThat(missing.exitCode()).isEqualTo(3);
    assertThat(missing.stderr()).contains("does not exist").doesNotContain("\tat ");
    assertThat(tmp.resolve("x")).as("a failed get leaves no file").doesNotExist();

    Map<String, String> noSecret = new HashMap<>(env);
    noSecret.remove("DYAD_SECRET_FILE");
    DyadProcess.Result denied = run(noSecret, "object", "get", id, tmp.resolve("y").toString());
    assertThat(denied.exitCode()).as("access control is on").isEqualTo(8);
    assertThat(denied.stderr()).contains("locator").doesNotContain("\tat ");

    Map<String, String> noCertificate = new HashMap<>(env);
    noCertificate.remove("DYAD_TLS_CERT");
    noCertificate.remove("DYAD_TLS_KEY");
    DyadProcess.Result refused = run(noCertificate, "object", "get", id, tmp.resolve("y").toString());
    assertThat(refused.exitCode()).as("mutual TLS").isEqualTo(4);
    assertThat(refused.stderr()).contains("the server requires a client certificate").doesNotContain("\tat ");
    Map<String, String> plain = new HashMap<>(noCertificate);
    plain.remove("DYAD_TLS_CA");
    DyadProcess.Result plainRefused = run(plain, "object", "get", id, tmp.resolve("y").toString());
    assertThat(plainRefused.exitCode()).isEqualTo(4);
    assertThat(plainRefused.stderr()).contains("the server speaks TLS and this side does not");
  }

  private void files(Map<String, String> env, Path file) throws Exception {
    DyadProcess.Result created = run(env, "volume", "create", "home");
    ok(created);
    assertThat(created.stdout()).containsPattern("volume home created on directory pair dp\\d");
    assertThat(run(env, "volume", "create", "home").exitCode()).as("already exists").isEqualTo(6);
    ok(run(env, "fs", "mkdir", "-p", "home:/docs/2026"));
    ok(run(env, "fs", "put", file.toString(), "home:/docs/2026/data.bin"));
    ok(run(env, "fs", "get", "home:/docs/2026/data.bin", tmp.resolve("back.bin").toString()));
    assertThat(Files.readAllBytes(tmp.resolve("back.bin"))).isEqualTo(Files.readAllBytes(file));
    ok(run(env, "fs", "mv", "home:/docs/2026", "home:/docs/this-year"));
    DyadProcess.Result ls = run(env, "fs", "ls", "home:/docs/this-year");
    ok(ls);
    assertThat(ls.stdout()).containsPattern("-\\s+200000 .* data\\.bin");
    DyadProcess.Result stat = run(env, "fs", "stat", "home:/docs/this-year/data.bin");
    assertThat(stat.stdout()).contains("type      file").contains("length    200000");
    assertThat(run(env, "fs", "stat", "home:/docs/2026/data.bin").exitCode()).as("moved away").isEqualTo(3);
    assertThat(run(env, "fs", "mkdir", "home:/docs/../etc").exitCode()).as("'..' is refused").isEqualTo(2);
    assertThat(run(env, "fs", "rm", "home:/docs").exitCode()).as("not empty").isEqualTo(11);
    DyadProcess.Result check = run(env, "volume", "check", "home");
    assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
    assertThat(check.stdout()).containsPattern("home\\s+dp\\d.*IDENTICAL");
    assertThat(run(env, "volume", "check", "no-such-volume").exitCode()).as("no record").isEqualTo(3);
    ok(run(env, "fs", "rm", "-r", "home:/docs"));
    assertThat(run(env, "fs", "ls", "home:/").stdout()).doesNotContain("docs");
    ok(run(env, "volume", "rm", "home"));
    assertThat(run(env, "volume", "ls").stdout()).doesNotContain("home");
  }

  /**
   * A member killed with kill -9 is an expected event: every log says so in lines of their own, never with a stack
   * trace. And whatever ends dyad local — here a kill -9, which leaves it no time to stop anything — its ZooKeeper
   * and member processes end with it instead of holding their ports and data.
   */
  @Test
  void aKilledMemberLeavesNoStackTraceAndNothingOutlivesAKilledDyadLocal() throws Exception {
    int zkPort = FreePorts.freeOnAll("127.0.0.1");
    int nodePort = FreePorts.freeOnAll("127.0.1.11", "127.0.1.12", "127.0.1.13", "127.0.2.11", "127.0.2.12", "127.0.2.13");
    int dirPort = FreePorts.freeOnAll("127.0.1.21", "127.0.1.22", "127.0.2.21", "127.0.2.22");
    Path data = tmp.resolve("processes");
    DyadProcess local = DyadProcess.start(tmp.resolve("logs"), Map.of(), "local", "--data", data.toString(),
        "--zk-port", Integer.toString(zkPort), "--node-port", Integer.toString(nodePort), "--directory-port",
        Integer.toString(dirPort), "--dosm-port", "0", "--ddm-port", "0", "--gateways", "1", "--node-processes");
    try {
      Map<String, String> env = exported(local.awaitOutput("(dyad local ready: .*)", Duration.ofSeconds(120)));
      ok(run(env, "object", "put", DyadProcess.launcher().toString()));
      ok(run(env, "local", "--kill", "a1"));
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
          .until(() -> run(env, "status").stdout().matches("(?s).*a1 .*FAILED_OVER.*"));
      ok(run(env, "local", "--revive", "a1"));
      ok(run(env, "object", "put", DyadProcess.launcher().toString()));
      java.util.List<Long> children = descendants(local.pid());
      assertThat(children).as("ZooKeeper and the member processes").hasSizeGreaterThanOrEqualTo(9);

      local.kill9();

      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> children.stream()
          .noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
      StringBuilder logs = new StringBuilder(local.stdout()).append(local.stderr());
      try (var files = Files.list(data.resolve("logs"))) {
        for (Path f : files.toList()) {
          logs.append(Files.readString(f));
        }
      }
      assertThat(logs.toString().lines().filter(l -> l.startsWith("\tat ") || l.startsWith("Caused by"))
          .limit(5).toList()).as("stack trace lines in the logs of dyad local, ZooKeeper and every member").isEmpty();
    } finally {
      local.close();
    }
  }

  /** Every process below {@code pid}, recorded while it runs (its children are re-parented once it dies). */
  private static java.util.List<Long> descendants(long pid) {
    return ProcessHandle.of(pid).orElseThrow().descendants().map(ProcessHandle::pid).toList();
  }
}
