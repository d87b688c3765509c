package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * A real {@code bin/dyad} process from the distribution built by {@code mvn package}: its output goes to
 * files that tests can wait on, and it can be stopped (SIGTERM), killed (SIGKILL), paused or resumed.
 */
final class DyadProcess implements AutoCloseable {
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private DyadProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * JVM options of every process a test starts (unless the test sets {@code DYAD_JAVA_OPTS} itself): a test's
   * daemons live seconds to minutes, a dozen at once on two cores, so the C1 compiler alone and the serial collector
   * start them sooner and leave the cores to the work under test. {@code -Ddyad.it.jvm=} (empty) runs them as
   * deployed.
   */
  static final String TEST_JVM_OPTIONS = System.getProperty("dyad.it.jvm",
      "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");

  static Path launcher() {
    String home = System.getProperty("dyad.home");
    assertThat(home).as("dyad.home (set by the failsafe configuration)").isNotNull();
    Path bin = Path.of(home, "bin", "dyad");
    assertThat(bin).as("the distribution's launcher; run mvn package first").isExecutable();
    return bin;
  }

  /** Starts {@code bin/dyad args...} with extra environment variables; output goes under {@code logDir}. */
  static DyadProcess start(Path logDir, Map<String, String> env, String... args) throws IOException {
    Files.createDirectories(logDir);
    String name = args.length > 0 ? args[0] : "dyad";
    Path out = Files.createTempFile(logDir, name + "-", ".out");
    Path err = Files.createTempFile(logDir, name + "-", ".err");
    List<String> command = new ArrayList<>();
    command.add(launcher().toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("DYAD_JAVA_OPTS", TEST_JVM_OPTIONS);
    pb.environment().putAll(env);
    return new DyadProcess(pb.start(), out, err);
  }

  /** Runs a command to completion and returns its exit code, stdout and stderr. */
  static Result run(Path logDir, Map<String, String> env, Duration timeout, String... args) throws Exception {
    try (DyadProcess p = start(logDir, env, args)) {
      if (!p.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("dyad " + String.join(" ", args) + " did not finish within " + timeout);
      }
      return new Result(p.process.exitValue(), p.stdout(), p.stderr());
    }
  }

  record Result(int exitCode, String stdout, String stderr) {}

  /** Waits for a line of stdout matching {@code regex} and returns its first group (or the whole match). */
  String awaitOutput(String regex, Duration timeout) {
    Pattern p = Pattern.compile(regex);
    String[] found = new String[1];
    Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
      if (!process.isAlive()) {
        throw new AssertionError("process exited with " + process.exitValue() + " before printing /" + regex
            + "/; stderr:\n" + stderr());
      }
      Matcher m = p.matcher(stdout());
      if (m.find()) {
        found[0] = m.groupCount() > 0 ? m.group(1) : m.group();
        return true;
      }
      return false;
    });
    return found[0];
  }

  String stdout() throws IOException {
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  String stderr() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM and wait: the daemon's shutdown hook stops its services. Returns the exit code. */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
      throw new AssertionError("process did not stop within " + timeout + " of SIGTERM");
    }
    return process.exitValue();
  }

  void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
    assertThat(kill.waitFor()).isZero();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
