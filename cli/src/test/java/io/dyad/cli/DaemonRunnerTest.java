package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.AbstractIdleService;
import com.google.common.util.concurrent.AbstractService;
import com.google.common.util.concurrent.Service;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A daemon's process lives exactly as long as its role: a role that fails takes the admin server down with it. */
class DaemonRunnerTest {
  /** A role that runs until the test makes it fail. */
  private static final class Role extends AbstractService {
    @Override
    protected void doStart() {
      notifyStarted();
    }

    @Override
    protected void doStop() {
      notifyStopped();
    }

    void fail(Throwable cause) {
      notifyFailed(cause);
    }
  }

  /** Stands in for the admin server: it would run for ever unless stopped. */
  private static final class AdminServer extends AbstractIdleService {
    @Override
    protected void startUp() {}

    @Override
    protected void shutDown() {}
  }

  /** A role and an admin server run by {@link DaemonRunner} on another thread, both running. */
  private static final class Daemon {
    final Role role = new Role();
    final AdminServer admin = new AdminServer();
    final StringWriter err = new StringWriter();
    final CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() ->
        DaemonRunner.run("test", List.of(role, admin), () -> {}, new PrintWriter(err)));

    Daemon() throws Exception {
      admin.awaitRunning(Duration.ofSeconds(10));
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aRoleThatFailsWhileRunningStopsTheAdminServerAndTheDaemonExitsWithItsCode() throws Exception {
    Daemon daemon = new Daemon();
    daemon.role.fail(new DyadException(ErrorCode.UNAVAILABLE, "its store went away"));

    assertThat(daemon.exit.get(20, TimeUnit.SECONDS)).isEqualTo(ExitCodes.of(ErrorCode.UNAVAILABLE));
    assertThat(daemon.admin.state()).isEqualTo(Service.State.TERMINATED);
    assertThat(daemon.err.toString()).contains("dyad test: its store went away");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void anUnexpectedFailureExitsNonZeroToo() throws Exception {
    Daemon daemon = new Daemon();
    daemon.role.fail(new IllegalStateException("a bug"));

    assertThat(daemon.exit.get(20, TimeUnit.SECONDS)).isEqualTo(ExitCodes.FAILURE);
    assertThat(daemon.admin.state()).isEqualTo(Service.State.TERMINATED);
  }
}
