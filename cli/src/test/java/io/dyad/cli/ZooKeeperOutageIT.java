package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dyad.common.ObjectId;
import io.dyad.dosm.DosmConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * ZooKeeper restarts under load. Nobody can be failed over while it is away, so reads go on throughout; writes go
 * on while the members' leases last (half the session timeout), and resume soon after ZooKeeper is back.
 */
class ZooKeeperOutageIT {
  private static final Duration NODE_SESSION = Duration.ofSeconds(8);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;
  private TestCluster cluster;
  private final Acked acked = new Acked();

  @BeforeEach
  void start() throws Exception {
    cluster = new TestCluster(dir, TestCluster.Options.of(DosmConfig.POINT_TO_POINT).withNodeSession(NODE_SESSION));
    for (int i = 0; i < 60; i++) {
      acked.put(cluster.client, 40_000 + i);
    }
  }

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  @Test
  void aBlipShorterThanTheLeaseCostsNoRequest() throws Exception {
    long epoch = cluster.snapshot().epoch();
    try (Workload load = new Workload(cluster.client, acked, 2, 3, 1, 50_000_000)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> load.done() > 30);
      cluster.restartZooKeeper(Duration.ofMillis(1500));
      long done = load.done();
      await().atMost(Duration.ofSeconds(30)).until(() -> load.done() > done + 60);
      load.close();
      assertThat(load.failures).as("failed requests through a ZooKeeper restart").isEmpty();
    }
    assertThat(cluster.snapshot().epoch()).as("nobody was failed over or rejoined").isEqualTo(epoch);
    acked.verifyAll(cluster.client);
  }

  @Test
  void readsGoOnThroughALongerOutageAndWritesResumeSoonAfterZooKeeperReturns() throws Exception {
    List<Long> resumeMillis = new ArrayList<>();
    try (Workload readers = new Workload(cluster.client, acked, 0, 3, 0, 60_000_000)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> readers.reads.get() > 30);
      cluster.restartZooKeeper(Duration.ofSeconds(6)); // past the lease (4 s), within the session (8 s)
      long back = System.nanoTime();
      long seed = 70_000_000;
      while (true) {
        try {
          acked.put(cluster.client, seed++);
          break;
        } catch (Exception notYet) {
          await().pollDelay(Duration.ofMillis(50)).until(() -> true);
        }
      }
      resumeMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back));
      System.out.printf("first acknowledged write %d ms after ZooKeeper returned%n", resumeMillis.get(0));
      long reads = readers.reads.get();
      await().atMost(Duration.ofSeconds(30)).until(() -> readers.reads.get() > reads + 30);
      readers.close();
      assertThat(readers.failures).as("failed reads while ZooKeeper was away").isEmpty();
    }
    assertThat(resumeMillis.get(0)).as("first acknowledged write after ZooKeeper returned, in ms").isLessThan(5000);
    ObjectId late = acked.put(cluster.client, 80_000_000);
    assertThat(cluster.client.stat(late).length()).isEqualTo(Acked.sizeFor(80_000_000));
    acked.verifyAll(cluster.client);
    assertThat(cluster.client.put(Optional.empty(), () -> Streams.generated(1, 10), 10).length()).isEqualTo(10);
  }
}
