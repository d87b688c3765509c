package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dyad.client.ClientConfig;
import io.dyad.client.DyadClient;
import io.dyad.client.FileSystemClient;
import io.dyad.common.DyadException;
import io.dyad.coordinator.model.FailoverState;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.directory.api.PairRoles;
import io.dyad.rpc.ThriftClientConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files through DDM + DOSM while a storage node and the volume's primary directory server — both real processes —
 * are killed with SIGKILL at once: either they stay down until they are failed over and then come back (failover,
 * catch-up, failback), or a supervisor restarts them within a second (before any failover is declared). A writer
 * puts files and reads earlier ones back all along; afterwards every acknowledged file reads back with its bytes
 * (checked by CRC32C end to end) and the volume's two directories are identical.
 */
class FileFailoverIT {
  @TempDir static Path dir;
  private static LocalCluster cluster;
  private static DyadClient objects;
  private static FileSystemClient files;

  @BeforeAll
  static void start() throws Exception {
    DosmOptions dosm = picocli.CommandLine.populateCommand(new DosmOptions(), "--search", "point-to-point");
    cluster = new LocalCluster(LocalCluster.Options.onFreePorts(dir.resolve("cluster"), dosm, true,
        Duration.ofSeconds(2), Duration.ofMillis(500), true), new PrintWriter(Writer.nullWriter()));
    cluster.startAsync().awaitRunning();
    objects = DyadClient.connect(ClientConfig.of(List.of(cluster.dosmAddress())));
    files = new FileSystemClient(List.of(cluster.ddmAddress()), objects,
        ThriftClientConfig.defaults().withRequestTimeout(Duration.ofSeconds(30)));
  }

  @AfterAll
  static void stop() {
    files.close();
    objects.close();
    cluster.stopAsync().awaitTerminated();
  }

  @Test
  void killedUntilFailedOverThenBackWithFailback() throws Exception {
    run("failover", false);
  }

  @Test
  void restartedWithinASecondBeforeAnyFailover() throws Exception {
    run("restart", true);
  }

  /**
   * SIGSTOP of the volume's primary directory server and of a storage node for 10 s, longer than the DDM's 10 s
   * call timeout and far longer than failure detection: the calls already sent to them are abandoned the moment the
   * coordinator declares them failed over, so the writer stalls about as long as detection takes, not a timeout.
   */
  @Test
  void pausedPrimaryDirectoryAndNodeStallClientsOnlyUntilTheirFailoverIsDeclared() throws Exception {
    String volume = "pause";
    files.createVolume(volume);
    ClusterSnapshot s = cluster.view().current();
    String directory = PairRoles.primary(s, s.pairs().get(s.volumes().get(volume).directoryPair())).orElseThrow();
    String node = "a3";
    long declaredMillis;
    try (FileWriter writer = new FileWriter(volume)) {
      writer.awaitMore(20);
      long paused = System.nanoTime();
      signal(directory, "STOP");
      signal(node, "STOP");
      await().atMost(Duration.ofSeconds(30)).until(() -> failedOver(directory) && failedOver(node));
      declaredMillis = (System.nanoTime() - paused) / 1_000_000;
      writer.awaitMore(20); // while both are still paused
      await().pollDelay(Duration.ofMillis(Math.max(0, 10_000 - (System.nanoTime() - paused) / 1_000_000)))
          .atMost(Duration.ofSeconds(20)).until(() -> true);
      signal(directory, "CONT");
      signal(node, "CONT");
      await().atMost(Duration.ofSeconds(120)).until(() -> {
        ClusterSnapshot now = cluster.view().current();
        return now.isServing(directory) && now.isServing(node) && now.failovers().isEmpty();
      });
      writer.awaitMore(20);
      writer.close();
      System.out.printf("[measure] SIGSTOP of %s and %s for 10 s under a file writer: failover declared after %d ms, "
          + "longest stall of the writer %d ms, %d files acknowledged, failures %s%n", directory, node,
          declaredMillis, writer.longestGapMillis, writer.acknowledged.size(), writer.failures);
      assertThat(writer.failures).as("operations that failed").isEmpty();
      assertThat(writer.longestGapMillis).as("the writer's longest stall (ms): detection, then at once the partner, "
          + "not a call timeout of 10 s").isLessThan(declaredMillis + 3000);
    }
    for (Map.Entry<String, Long> f : FileWriter.acknowledgedOf(volume).entrySet()) {
      assertThat(crcOf(read(volume, f.getKey()))).as("%s:%s", volume, f.getKey()).isEqualTo(f.getValue());
    }
  }

  private static void signal(String member, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(cluster.processes().get(member).pid()))
        .inheritIO().start();
    assertThat(kill.waitFor()).as("kill -%s %s", signal, member).isZero();
  }

  private void run(String volume, boolean quick) throws Exception {
    files.createVolume(volume);
    ClusterSnapshot s = cluster.view().current();
    String directory = PairRoles.primary(s, s.pairs().get(s.volumes().get(volume).directoryPair())).orElseThrow();
    String node = "a2";
    try (FileWriter writer = new FileWriter(volume)) {
      writer.awaitMore(20);
      kill(directory);
      kill(node);
      if (quick) {
        cluster.restartProcess(directory);
        cluster.restartProcess(node);
      } else {
        await().atMost(Duration.ofSeconds(30)).until(() -> failedOver(directory) && failedOver(node));
        writer.awaitMore(20); // written while both are down
        cluster.restartProcess(directory);
        cluster.restartProcess(node);
      }
      await().atMost(Duration.ofSeconds(120)).until(() -> {
        ClusterSnapshot now = cluster.view().current();
        return now.isServing(directory) && now.isServing(node) && now.failovers().isEmpty();
      });
      writer.awaitMore(20);
      writer.close();
      System.out.printf("[measure] %s of %s and %s under a file writer: %d files acknowledged, %d earlier files "
          + "read back during the faults, failures %s%n", quick ? "quick restart" : "failover and failback",
          directory, node, writer.acknowledged.size(), writer.readBack, writer.failures);
      assertThat(writer.failures).as("operations that failed").isEmpty();
    }
    for (Map.Entry<String, Long> f : FileWriter.acknowledgedOf(volume).entrySet()) {
      assertThat(crcOf(read(volume, f.getKey()))).as("%s:%s", volume, f.getKey()).isEqualTo(f.getValue());
    }
    DyadProcess.Result check = DyadProcess.run(dir.resolve("logs"), Map.of(), Duration.ofSeconds(60), "volume",
        "check", volume, "--zk", cluster.zkConnect(), "--secret-file", cluster.secretFile().toString());
    assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
    assertThat(check.stdout()).contains("IDENTICAL");
  }

  private static void kill(String member) throws InterruptedException {
    Process p = cluster.processes().get(member);
    p.destroyForcibly();
    p.waitFor();
  }

  private static boolean failedOver(String member) {
    var f = cluster.view().current().failovers().get(member);
    return f != null && f.state() == FailoverState.FAILED_OVER;
  }

  private static byte[] read(String volume, String path) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    files.get(volume, path, out);
    return out.toByteArray();
  }

  private static long crcOf(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data);
    return crc.getValue();
  }

  /** Puts /f-0, /f-1, ... (1 B to 96 KiB each) and reads a random earlier one back after each put. */
  private static final class FileWriter implements AutoCloseable {
    private static final Map<String, Map<String, Long>> ACKNOWLEDGED = new ConcurrentHashMap<>();
    final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    volatile int readBack;
    /** the longest time between two operations that completed (put or read), in ms */
    volatile long longestGapMillis;
    private final String volume;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    FileWriter(String volume) {
      this.volume = volume;
      ACKNOWLEDGED.put(volume, acknowledged);
      thread = new Thread(this::run, "file-writer-" + volume);
      thread.start();
    }

    static Map<String, Long> acknowledgedOf(String volume) {
      return ACKNOWLEDGED.get(volume);
    }

    private void run() {
      Random random = new Random(42);
      List<String> written = new CopyOnWriteArrayList<>();
      long last = System.nanoTime();
      for (int i = 0; running.get(); i++) {
        byte[] data = new byte[1 + random.nextInt(96 * 1024)];
        random.nextBytes(data);
        String path = "/f-" + i;
        try {
          files.put(volume, path, () -> new ByteArrayInputStream(data), data.length);
          acknowledged.put(path, crcOf(data));
          written.add(path);
          String earlier = written.get(random.nextInt(written.size()));
          if (crcOf(read(volume, earlier)) != acknowledged.get(earlier)) {
            failures.add("read of " + earlier + " gave other bytes");
          }
          readBack++;
          long now = System.nanoTime();
          longestGapMillis = Math.max(longestGapMillis, (now - last) / 1_000_000);
          last = now;
        } catch (DyadException e) {
          failures.add(path + ": " + e.code() + " " + e.getMessage());
        } catch (Exception e) {
          failures.add(path + ": " + e);
        }
      }
    }

    void awaitMore(int n) {
      int target = acknowledged.size() + n;
      await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= target || !failures.isEmpty());
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join();
    }
  }
}
