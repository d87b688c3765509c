package io.dyad.cli;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.Service;
import com.google.common.util.concurrent.ServiceManager;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a daemon's services in the foreground: starts them, reports readiness, stops them on SIGTERM/SIGINT
 * (within a bound) and returns an exit code — non-zero if any service fails to start or fails later.
 */
final class DaemonRunner {
  private static final Logger LOG = LoggerFactory.getLogger(DaemonRunner.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private DaemonRunner() {}

  /**
   * @param onRunning called once every service runs (prints where the daemon listens, for instance)
   * @return the process exit code
   */
  static int run(String name, List<? extends Service> services, Runnable onRunning, PrintWriter err) {
    return run(name, services, onRunning, err, Optional.empty());
  }

  /**
   * As above; once every service runs, this process's pid goes to {@code pidFile} (which tells a {@code --daemon}
   * parent that it serves), removed again when it stops.
   */
  static int run(String name, List<? extends Service> services, Runnable onRunning, PrintWriter err,
      Optional<Path> pidFile) {
    ServiceManager manager = new ServiceManager(services);
    manager.addListener(new ServiceManager.Listener() {
      @Override
      public void failure(Service service) {
        Throwable cause = service.failureCause();
        if (CliErrors.findDyadException(cause) != null) {
          // an expected failure (busy port, unusable directory...): one line for the user, the trace at DEBUG
          LOG.debug("{}: {} failed", name, service, cause);
        } else {
          LOG.error("{}: {} failed unexpectedly", name, service, cause);
        }
        // a daemon with a dead role must not stay up on its admin port looking alive: stop the rest, so the process
        // exits non-zero and its supervisor restarts it
        manager.stopAsync();
      }
    }, MoreExecutors.directExecutor());
    Thread hook = new Thread(() -> {
      stop(name, manager);
      pidFile.ifPresent(PidFiles::removeOwn);
    }, name + "-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      manager.startAsync().awaitHealthy();
    } catch (IllegalStateException e) {
      stop(name, manager);
      return reportFailure(name, manager, err);
    }
    onRunning.run();
    if (pidFile.isPresent()) {
      try {
        PidFiles.writeOwn(pidFile.get());
      } catch (IOException e) {
        err.println("dyad " + name + ": cannot write the pid file " + pidFile.get() + ": " + e.getMessage());
        err.flush();
        stop(name, manager);
        return ExitCodes.of(ErrorCode.UNAVAILABLE);
      }
    }
    manager.awaitStopped();
    pidFile.ifPresent(PidFiles::removeOwn);
    boolean failed = manager.servicesByState().containsKey(Service.State.FAILED);
    if (failed) {
      return reportFailure(name, manager, err);
    }
    return ExitCodes.OK;
  }

  private static void stop(String name, ServiceManager manager) {
    try {
      manager.stopAsync().awaitStopped(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("{}: services did not stop within {}", name, STOP_TIMEOUT);
    }
  }

  private static int reportFailure(String name, ServiceManager manager, PrintWriter err) {
    for (Service s : manager.servicesByState().get(Service.State.FAILED)) {
      Throwable cause = s.failureCause();
      DyadException dyad = CliErrors.findDyadException(cause);
      if (dyad != null) {
        err.println("dyad " + name + ": " + dyad.getMessage());
        err.flush();
        return ExitCodes.of(dyad.code());
      }
      err.println("dyad " + name + ": " + CliErrors.describe(cause) + " (see the log above)");
      err.flush();
      return ExitCodes.FAILURE;
    }
    err.println("dyad " + name + ": stopped after a failure");
    err.flush();
    return ExitCodes.FAILURE;
  }
}
