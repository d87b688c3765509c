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

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aRoleThatFailsWhileRunningStopsTheAdminServerAndTheDaemonExitsWithItsCode() throws Exception {
    Role role = new Role();
    AdminServer admin = new AdminServer();
    StringWriter err = new StringWriter();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() ->
        DaemonRunner.run("test", List.of(role, admin), () -> {}, new PrintWriter(err)));
    admin.awaitRunning(Duration.ofSeconds(10));
    role.fail(new DyadException(ErrorCode.UNAVAILABLE, "its store went away"));

    assertThat(exit.get(20, TimeUnit.SECONDS)).isEqualTo(ExitCodes.of(ErrorCode.UNAVAILABLE));
    assertThat(admin.state()).isEqualTo(Service.State.TERMINATED);
    assertThat(err.toString()).contains("dyad test: its store went away");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void anUnexpectedFailureExitsNonZeroToo() throws Exception {
    Role role = new Role();
    AdminServer admin = new AdminServer();
    StringWriter err = new StringWriter();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() ->
        DaemonRunner.run("test", List.of(role, admin), () -> {}, new PrintWriter(err)));
    admin.awaitRunning(Duration.ofSeconds(10));
    role.fail(new IllegalStateException("a bug"));

    assertThat(exit.get(20, TimeUnit.SECONDS)).isEqualTo(ExitCodes.FAILURE);
    assertThat(admin.state()).isEqualTo(Service.State.TERMINATED);
  }
}
