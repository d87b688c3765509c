package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code dyad local} started from the distribution on free ports, with two DOSMs and two DDMs, and a shell to drive it as a
 * user would: the environment of its ready line (plus PATH, DYAD_BIN and the repository root) in every command.
 */
final class LocalDyad implements AutoCloseable {
  private final DyadProcess process;
  private final Map<String, String> env;
  private final Path workDir;

  private LocalDyad(DyadProcess process, Map<String, String> env, Path workDir) {
    this.process = process;
    this.env = env;
    this.workDir = workDir;
  }

  static LocalDyad start(Path dir) throws Exception {
    int dosmPort = FreePorts.freeRunOnAll(2, "127.0.0.1");
    int ddmPort = FreePorts.freeRunOnAll(2, "127.0.0.1");
    DyadProcess local = DyadProcess.start(dir.resolve("logs"), Map.of(), "local", "--data",
        dir.resolve("cluster").toString(), "--zk-port", Integer.toString(FreePorts.freeOnAll("127.0.0.1")),
        "--node-port", Integer.toString(FreePorts.freeOnAll("127.0.1.11", "127.0.1.12", "127.0.1.13", "127.0.2.11",
            "127.0.2.12", "127.0.2.13")),
        "--directory-port", Integer.toString(FreePorts.freeOnAll("127.0.1.21", "127.0.1.22", "127.0.2.21",
            "127.0.2.22")),
        "--dosm-port", Integer.toString(dosmPort), "--ddm-port", Integer.toString(ddmPort),
        "--gateways", "2", "--ddms", "2");
    String ready = local.awaitOutput("dyad local ready: export (.*)", Duration.ofSeconds(120));
    Map<String, String> env = new HashMap<>();
    for (String assignment : ready.trim().split("\\s+")) {
      int eq = assignment.indexOf('=');
      env.put(assignment.substring(0, eq), assignment.substring(eq + 1));
    }
    assertThat(env.get("DYAD_GATEWAYS")).isEqualTo("127.0.0.1:" + dosmPort + ",127.0.0.1:" + (dosmPort + 1));
    assertThat(env.get("DYAD_DDM")).isEqualTo("127.0.0.1:" + ddmPort + ",127.0.0.1:" + (ddmPort + 1));
    env.put("PATH", DyadProcess.launcher().getParent() + ":" + System.getenv("PATH"));
    env.put("DYAD_BIN", DyadProcess.launcher().toString());
    env.put("DYAD_JAVA_OPTS", DyadProcess.TEST_JVM_OPTIONS); // commands start as the test's daemons do
    env.put("DYAD_ROOT", repositoryRoot().toString());
    return new LocalDyad(local, env, dir);
  }

  /** The repository's top directory (the integration tests run in cli/). */
  static Path repositoryRoot() {
    return Path.of(System.getProperty("dyad.root", "..")).toAbsolutePath().normalize();
  }

  /** The environment every command gets (change it to try a broken one). */
  Map<String, String> env() {
    return env;
  }

  record Shell(int exitCode, String out) {}

  /** Runs {@code script} with bash in the work directory; stdout and stderr together. */
  Shell sh(String script, Duration timeout) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).directory(workDir.toFile())
        .redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("did not finish within " + timeout + ": " + script);
    }
    return new Shell(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** Runs {@code script} and expects exit code 0; returns its output. */
  String ok(String script) throws Exception {
    Shell s = sh(script, Duration.ofMinutes(5));
    assertThat(s.exitCode()).as(script + "\n" + s.out()).isZero();
    return s.out();
  }

  @Override
  public void close() throws Exception {
    assertThat(process.terminate(Duration.ofSeconds(60))).as("dyad local stops cleanly on SIGTERM").isEqualTo(143);
  }
}
