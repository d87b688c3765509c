package io.dyad.cli;

import com.google.common.util.concurrent.AbstractIdleService;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code dyad local}'s ZooKeeper as a child process ({@code bin/dyad zk}) with a heap of its own, so that nothing
 * the cluster's other roles do to their memory — and nothing a client makes them hold — can take ZooKeeper, and
 * with it the whole control plane, down; and so that ZooKeeper's pauses are not theirs. Its output goes to
 * {@code logs/zk.log} beside the members' logs.
 */
final class ZooKeeperProcess extends AbstractIdleService {
  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperProcess.class);
  /**
   * ZooKeeper holds the cluster's few hundred znodes, and its last 500 requests (at most 128 KiB each, kept twice):
   * a small heap is plenty, and bounds what it may take.
   */
  static final String HEAP = "-Xmx256m";
  private static final Path SETSID = Path.of("/usr/bin/setsid");

  private final Path home;
  private final Path data;
  private final Path logs;
  private final int port;
  private final int tickMillis;
  private final Optional<EmbeddedZooKeeper.SecurePort> secure;
  private Process process;

  /** @param home the distribution (its {@code bin/dyad} launches the server) */
  ZooKeeperProcess(Path home, Path data, Path logs, int port, int tickMillis,
      Optional<EmbeddedZooKeeper.SecurePort> secure) {
    this.home = home;
    this.data = data;
    this.logs = logs;
    this.port = port;
    this.tickMillis = tickMillis;
    this.secure = secure;
  }

  @Override
  protected void startUp() throws Exception {
    Files.createDirectories(logs);
    Path log = logs.resolve("zk.log");
    long before = Files.exists(log) ? Files.size(log) : 0;
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(SETSID)) {
      // its own session: a Ctrl-C of dyad local must not stop ZooKeeper before the roles that use it have stopped
      command.add(SETSID.toString());
    }
    command.addAll(List.of(home.resolve("bin").resolve("dyad").toString(), "zk", "--data", data.toString(), "--port",
        Integer.toString(port), "--host", "127.0.0.1", "--tick-ms", Integer.toString(tickMillis), "--exit-with",
        Long.toString(ProcessHandle.current().pid())));
    secure.ifPresent(s -> command.addAll(List.of("--tls-keystore", s.keyStore().toString(), "--tls-ca",
        s.trustedCa().toString())));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("DYAD_HEAP", HEAP);
    process = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      if (!process.isAlive()) {
        String said = text.substring((int) Math.min(before, text.length())).strip();
        String last = said.isEmpty() ? "" : said.substring(said.lastIndexOf('\n') + 1);
        throw new DyadException(ErrorCode.UNAVAILABLE, "ZooKeeper exited at start" + (last.isEmpty() ? ""
            : ": " + last) + " (see " + log + ")");
      }
      if (text.length() > before && text.substring((int) Math.min(before, text.length()))
          .contains("zookeeper listening on")) {
        LOG.info("ZooKeeper running as process {} ({} heap; log {})", process.pid(), HEAP, log);
        return;
      }
      Thread.sleep(50);
    }
    process.destroyForcibly();
    throw new DyadException(ErrorCode.UNAVAILABLE, "ZooKeeper did not start within 60 s (see " + log + ")");
  }

  @Override
  protected void shutDown() throws IOException, InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** The process, while it runs. */
  Process process() {
    return process;
  }
}
