package io.dyad.cli;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --daemon}: a daemon started in the background, for hosts without systemd. The command starts itself again
 * as a child in its own session (setsid), its output appended to a log file, and returns once the child serves —
 * which the child tells by writing its pid file — or as soon as it fails, with its exit code and the log's last
 * lines. {@code dyad stop} ends it through the pid file.
 */
final class DaemonModeOptions {
  /** Set in the child's environment: it runs in the background. */
  static final String CHILD_ENV = "DYAD_DAEMONIZED";
  private static final long START_TIMEOUT_SECONDS = 180;

  @Option(names = "--exit-with", paramLabel = "PID", hidden = true,
      description = "Stop when process PID ends (what dyad local and the benchmarks start follows them, even after a "
          + "kill -9 or a SIGTERM that leaves no time to stop their children).")
  Long exitWith;

  @Option(names = "--daemon", description = "Run in the background: returns once the daemon serves; stop it with "
      + "'dyad stop'. Its output goes to --log-file.")
  boolean daemon;

  @Option(names = "--pid-file", paramLabel = "FILE",
      description = "Where the daemon writes its pid once it serves (default with --daemon: $DYAD_RUN_DIR/ROLE-ID.pid, "
          + "$DYAD_RUN_DIR being ~/.dyad/run unless set).")
  Path pidFile;

  @Option(names = "--log-file", paramLabel = "FILE",
      description = "Where a --daemon's output goes, appended (default: $DYAD_RUN_DIR/ROLE-ID.log).")
  Path logFile;

  /** Where pid and log files go by default. */
  static Path runDir() {
    String dir = System.getenv("DYAD_RUN_DIR");
    return dir != null && !dir.isBlank() ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".dyad", "run");
  }

  /** Where a daemon's pid file goes unless --pid-file names one. */
  static Path defaultPidFile(String role, String id) {
    return runDir().resolve(baseName(role, id) + ".pid").toAbsolutePath();
  }

  static String baseName(String role, String id) {
    return id == null || id.isBlank() ? role : role + "-" + id;
  }

  /** The pid file to write once serving: the one given, else the default one in the background, else none. */
  Optional<Path> pidFile(String role, String id) {
    if (pidFile != null) {
      return Optional.of(pidFile.toAbsolutePath());
    }
    return daemon || System.getenv(CHILD_ENV) != null
        ? Optional.of(defaultPidFile(role, id)) : Optional.empty();
  }

  /**
   * Starts this command again in the background and waits until it serves.
   *
   * @return 0 once it serves; its exit code if it stops first
   * @throws DyadException ALREADY_EXISTS if the pid file names a running process
   */
  int detach(CommandSpec spec, String role, String id) throws DyadException {
    Path pid = pidFile(role, id).orElseThrow();
    Path log = (logFile != null ? logFile : runDir().resolve(baseName(role, id) + ".log")).toAbsolutePath();
    Optional<Long> running = PidFiles.runningPid(pid);
    if (running.isPresent()) {
      throw new DyadException(ErrorCode.ALREADY_EXISTS, role + " " + (id == null ? "" : id + " ") + "is already running "
          + "as pid " + running.get() + " (pid file " + pid + "); stop it with: dyad stop " + role
          + (id == null ? "" : " --id " + id));
    }
    String home = System.getProperty("dyad.home");
    if (home == null) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "--daemon needs the distribution's launcher (run bin/dyad)");
    }
    List<String> command = new ArrayList<>(List.of("setsid", Path.of(home, "bin", "dyad").toString()));
    for (String arg : spec.root().commandLine().getParseResult().originalArgs()) {
      if (!arg.equals("--daemon")) {
        command.add(arg);
      }
    }
    if (pidFile == null) {
      command.addAll(List.of("--pid-file", pid.toString()));
    }
    try {
      Files.createDirectories(pid.getParent());
      Files.createDirectories(log.getParent());
      Files.deleteIfExists(pid);
      long logStart = Files.exists(log) ? Files.size(log) : 0;
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().put(CHILD_ENV, "1");
      Process child = pb.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
      PrintWriter out = spec.commandLine().getOut();
      while (System.nanoTime() < deadline) {
        Optional<Long> started = PidFiles.runningPid(pid);
        if (started.isPresent()) {
          out.printf("%s%s started in the background (pid %d); log %s; stop it with: dyad stop %s%s%n", role,
              id == null ? "" : " " + id, started.get(), log, role, id == null ? "" : " --id " + id);
          out.flush();
          return ExitCodes.OK;
        }
        if (child.waitFor(100, TimeUnit.MILLISECONDS)) {
          spec.commandLine().getErr().printf("dyad: %s did not start (exit %d); the end of %s:%n%s", role,
              child.exitValue(), log, tail(log, logStart, 8));
          spec.commandLine().getErr().flush();
          return child.exitValue() == 0 ? ExitCodes.FAILURE : child.exitValue();
        }
      }
      throw new DyadException(ErrorCode.UNAVAILABLE, role + " did not come to serve within " + START_TIMEOUT_SECONDS
          + " s; it may still be starting (see " + log + ")");
    } catch (IOException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot start " + role + " in the background: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DyadException(ErrorCode.UNAVAILABLE, "interrupted while " + role + " was starting");
    }
  }

  /** The last {@code lines} lines written to {@code log} since {@code from}. */
  private static String tail(Path log, long from, int lines) throws IOException {
    byte[] all = Files.readAllBytes(log);
    String text = new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from),
        StandardCharsets.UTF_8);
    List<String> last = text.lines().toList();
    StringBuilder b = new StringBuilder();
    for (String l : last.subList(Math.max(0, last.size() - lines), last.size())) {
      b.append("  ").append(l).append(System.lineSeparator());
    }
    return b.toString();
  }

  /** With {@code --exit-with PID}: this process stops once PID has ended. */
  void followParent() {
    if (exitWith != null) {
      ParentWatch.exitWhenGone(exitWith);
    }
  }
}
