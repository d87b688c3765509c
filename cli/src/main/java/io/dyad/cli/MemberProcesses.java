package io.dyad.cli;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The members {@code dyad local} runs as child processes of the distribution's launcher (for drills and benchmarks
 * that kill one): started with their output appended to {@code DATA/logs/ID.log} until they print that they serve,
 * killed with SIGKILL, and stopped (SIGTERM, then SIGKILL after 20 s) when the cluster stops. Each follows this JVM
 * ({@code --exit-with}), so none outlives it however it ends.
 */
final class MemberProcesses {
  private static final long START_TIMEOUT_SECONDS = 60;

  private final Path logs;
  private final Map<String, Process> processes = new LinkedHashMap<>();

  /** @param logs where each member's log goes */
  MemberProcesses(Path logs) {
    this.logs = logs;
  }

  /** The arguments that make a member's process end with this one (a SIGTERM or kill -9 of a benchmark). */
  static List<String> followThisProcess() {
    return List.of("--exit-with", Long.toString(ProcessHandle.current().pid()));
  }

  /** The member processes, by member id (alive or not). */
  Map<String, Process> all() {
    return processes;
  }

  Process get(String member) {
    return processes.get(member);
  }

  /** Starts {@code bin/dyad ARGS} for {@code member} and waits until its log shows {@code ready}. */
  Process start(String member, List<String> args, String ready) throws IOException, InterruptedException,
      DyadException {
    String home = System.getProperty("dyad.home");
    if (home == null) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "member processes need the distribution's launcher (run bin/dyad)");
    }
    Files.createDirectories(logs);
    Path log = logs.resolve(member + ".log");
    long before = Files.exists(log) ? Files.size(log) : 0;
    List<String> command = new ArrayList<>(List.of(Path.of(home, "bin", "dyad").toString()));
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    processes.put(member, p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new DyadException(ErrorCode.UNAVAILABLE, member + " exited; see " + log);
      }
      String text = Files.readString(log, StandardCharsets.UTF_8);
      if (text.length() > before && text.substring((int) Math.min(before, text.length())).contains(ready)) {
        return p;
      }
      Thread.sleep(50);
    }
    throw new DyadException(ErrorCode.UNAVAILABLE, member + " did not start within " + START_TIMEOUT_SECONDS
        + " s; see " + log);
  }

  /** Kills the member's process (SIGKILL) and waits until it is gone; what was done, for the operator. */
  String kill(String member) throws DyadException {
    Process process = processes.get(member);
    if (!process.isAlive()) {
      throw new DyadException(ErrorCode.ALREADY_EXISTS, member + " is not running (revive it with --revive)");
    }
    process.destroyForcibly();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        throw new DyadException(ErrorCode.UNAVAILABLE, member + " (process " + process.pid() + ") did not exit");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DyadException(ErrorCode.UNAVAILABLE, "interrupted while killing " + member);
    }
    return member + " killed (process " + process.pid() + ")";
  }

  /** Stops every process: SIGTERM, and SIGKILL for one still running after 20 s. */
  void stopAll() {
    for (Process p : processes.values()) {
      p.destroy();
    }
    for (Process p : processes.values()) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }
}
