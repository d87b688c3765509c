package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --daemon} and {@code dyad stop}, as a host without systemd uses them: the command returns once the daemon
 * serves and leaves it running with a pid file; a second start and a start that cannot serve fail with their own
 * exit codes and the log's words; {@code dyad stop} ends it cleanly and removes the pid file.
 */
class DaemonModeIT {
  @TempDir Path tmp;

  private DyadProcess.Result dyad(String... args) throws Exception {
    return DyadProcess.run(tmp.resolve("logs"), Map.of("DYAD_RUN_DIR", tmp.resolve("run").toString()),
        Duration.ofSeconds(120), args);
  }

  @Test
  void aNodeRunsInTheBackgroundUntilStopped() throws Exception {
    int port = FreePorts.freeOnAll("127.0.1.21");
    int admin = FreePorts.freeOnAll("127.0.0.1");
    String[] start = {"node", "--id", "a1", "--data", tmp.resolve("a1").toString(), "--listen", "127.0.1.21:" + port,
        "--standalone", "--admin-listen", "127.0.0.1:" + admin, "--daemon"};
    DyadProcess.Result started = dyad(start);
    assertThat(started.exitCode()).as(started.stderr()).isZero();
    assertThat(started.stdout()).contains("node a1 started in the background").contains("dyad stop node --id a1");
    Path pidFile = tmp.resolve("run/node-a1.pid");
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    try {
      assertThat(ProcessHandle.of(pid)).as("the daemon outlives the command that started it").hasValueSatisfying(
          p -> assertThat(p.isAlive()).isTrue());
      assertThat(AdminPortIT.httpGet("http://127.0.0.1:" + admin + "/health")).contains("\"healthy\" : true");
      assertThat(Files.readString(tmp.resolve("run/node-a1.log"))).contains("storage node a1 listening on");

      DyadProcess.Result again = dyad(start);
      assertThat(again.exitCode()).isEqualTo(6);
      assertThat(again.stderr()).contains("already running as pid " + pid);

      DyadProcess.Result busy = dyad("node", "--id", "a2", "--data", tmp.resolve("a2").toString(), "--listen",
          "127.0.1.21:" + port, "--standalone", "--daemon");
      assertThat(busy.exitCode()).as("the daemon's own exit code: unavailable").isEqualTo(4);
      assertThat(busy.stderr()).contains("did not start").contains("address already in use");
      assertThat(tmp.resolve("run/node-a2.pid")).doesNotExist();

      DyadProcess.Result stopped = dyad("stop", "node", "--id", "a1");
      assertThat(stopped.exitCode()).as(stopped.stderr()).isZero();
      assertThat(stopped.stdout()).contains("node-a1 stopped (pid " + pid + ")");
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      assertThat(pidFile).doesNotExist();
      assertThat(Files.readString(tmp.resolve("run/node-a1.log"))).contains("object store in").contains("closed");

      DyadProcess.Result none = dyad("stop", "node", "--id", "a1");
      assertThat(none.exitCode()).isEqualTo(3);
      assertThat(none.stderr()).contains("no pid file");
    } finally {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }
}
