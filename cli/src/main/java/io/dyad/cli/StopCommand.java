package io.dyad.cli;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dyad stop}: ends a daemon started with --daemon, through its pid file. */
@Command(name = "stop", mixinStandardHelpOptions = true,
    description = "Stop a daemon started with --daemon: SIGTERM (it stops its services in order), then wait; after "
        + "--timeout-seconds, SIGKILL.")
final class StopCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ROLE", description = "node, directory, dosm, ddm, coordinator or zk.")
  String role;

  @Option(names = "--id", description = "The daemon's --id, as given when it was started.")
  String id;

  @Option(names = "--pid-file", paramLabel = "FILE", description = "Its pid file (default: $DYAD_RUN_DIR/ROLE-ID.pid).")
  Path pidFile;

  @Option(names = "--timeout-seconds", defaultValue = "60",
      description = "How long to wait for a clean stop before SIGKILL (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Override
  public Integer call() throws DyadException {
    Path file = pidFile != null ? pidFile.toAbsolutePath() : DaemonModeOptions.defaultPidFile(role, id);
    if (!Files.exists(file)) {
      throw DyadException.notFound("no pid file " + file + ": is " + DaemonModeOptions.baseName(role, id)
          + " running in the background (started with --daemon)?");
    }
    Optional<Long> pid = PidFiles.runningPid(file);
    if (pid.isEmpty()) {
      try {
        Files.deleteIfExists(file);
      } catch (java.io.IOException e) {
        // left for the next start, which overwrites it
      }
      throw DyadException.notFound(DaemonModeOptions.baseName(role, id) + " is not running (removed the stale pid file "
          + file + ")");
    }
    ProcessHandle process = ProcessHandle.of(pid.get()).orElseThrow();
    CompletableFuture<ProcessHandle> exited = process.onExit();
    process.destroy();
    String how = "stopped";
    try {
      exited.get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      process.destroyForcibly();
      how = "killed (SIGKILL: it did not stop within " + timeoutSeconds + " s)";
      try {
        exited.get(30, TimeUnit.SECONDS);
      } catch (TimeoutException | ExecutionException e2) {
        throw new DyadException(ErrorCode.UNAVAILABLE, "pid " + pid.get() + " survived SIGKILL");
      } catch (InterruptedException e2) {
        Thread.currentThread().interrupt();
        throw new DyadException(ErrorCode.UNAVAILABLE, "interrupted");
      }
    } catch (ExecutionException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot wait for pid " + pid.get() + ": " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DyadException(ErrorCode.UNAVAILABLE, "interrupted");
    }
    try {
      Files.deleteIfExists(file);
    } catch (java.io.IOException e) {
      // a stale file is harmless: the next start checks the pid
    }
    spec.commandLine().getOut().printf("%s %s (pid %d)%n", DaemonModeOptions.baseName(role, id), how, pid.get());
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
