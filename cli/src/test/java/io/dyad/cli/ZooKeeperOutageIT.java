package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dyad.common.ObjectId;
import io.dyad.dosm.DosmConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * ZooKeeper restarts under load. Nobody can be failed over while it is away, so reads go on throughout; writes go
 * on while the members' leases last (at least a third of the session timeout is left when ZooKeeper goes), and
 * resume soon after ZooKeeper is back — also after an outage longer than the members' sessions, when every member
 * registers again under a new session.
 */
class ZooKeeperOutageIT {
  /**
   * The members' sessions: their lease is 5 s, confirmed every 1.7 s, so at least 3.3 s of it is left whenever
   * ZooKeeper goes away — room for the 1.5 s blip plus ZooKeeper's start and the clients' reconnection on a busy
   * machine (with 8 s sessions, 2 s left at worst, CI saw the blip cost writes).
   */
  private static final Duration NODE_SESSION = Duration.ofSeconds(10);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS) static Path dir;
  /**
   * One cluster for the class: an outage stops and starts only ZooKeeper, and every test compares epochs and
   * incarnations with its own start, which {@link #everyMemberServes} makes a whole cluster.
   */
  private static TestCluster cluster;
  private static final Acked acked = new Acked();

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster(dir, TestCluster.Options.of(DosmConfig.POINT_TO_POINT).withNodeSession(NODE_SESSION)
        .withInProcessNodes());
    for (int i = 0; i < 60; i++) {
      acked.put(cluster.client, 40_000 + i);
    }
  }

  /** Every member serves, nobody is failed over, and every DOSM is registered: as on a cluster just started. */
  @BeforeEach
  void everyMemberServes() {
    await().atMost(Duration.ofSeconds(90)).until(() -> TestCluster.MEMBERS.stream()
        .allMatch(m -> cluster.snapshot().isServing(m)) && cluster.snapshot().failovers().isEmpty()
        && cluster.snapshot().dosms().size() == cluster.dosms.size());
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
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
      cluster.restartZooKeeper(Duration.ofSeconds(6)); // past the lease (5 s), within the session (10 s)
      resumeMillis.add(firstWriteAfterZooKeeperReturned(70_000_000));
      System.out.printf("first acknowledged write %d ms after ZooKeeper returned%n", resumeMillis.get(0));
      long reads = readers.reads.get();
      await().atMost(Duration.ofSeconds(30)).until(() -> readers.reads.get() > reads + 30);
      readers.close();
      assertThat(readers.failures).as("failed reads while ZooKeeper was away").isEmpty();
    }
    assertThat(resumeMillis.get(0)).as("first acknowledged write after ZooKeeper returned, in ms: sooner than a "
        + "session could expire (the target is 1 s; the margin is for a busy machine)")
        .isLessThan(NODE_SESSION.toMillis());
    ObjectId late = acked.put(cluster.client, 80_000_000);
    assertThat(cluster.client.stat(late).length()).isEqualTo(Acked.sizeFor(80_000_000));
    acked.verifyAll(cluster.client);
    assertThat(cluster.client.put(Optional.empty(), () -> Streams.generated(1, 10), 10).length()).isEqualTo(10);
  }

  @Test
  void afterAnOutageLongerThanEverySessionMembersRegisterAgainAtOnceWithoutCatchingUp() throws Exception {
    long epoch = cluster.snapshot().epoch();
    Map<String, Long> incarnations = liveIncarnations();
    long resumed;
    try (Workload readers = new Workload(cluster.client, acked, 0, 3, 0, 90_000_000)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> readers.reads.get() > 30);
      cluster.restartZooKeeper(Duration.ofSeconds(20)); // every member's session (10 s) expires meanwhile
      resumed = firstWriteAfterZooKeeperReturned(95_000_000);
      System.out.printf("[measure] ZooKeeper away 20 s (node sessions 10 s): first acknowledged write %d ms after it "
          + "returned%n", resumed);
      await().atMost(Duration.ofSeconds(30))
          .until(() -> TestCluster.MEMBERS.stream().allMatch(m -> cluster.snapshot().isServing(m)));
      long reads = readers.reads.get();
      await().atMost(Duration.ofSeconds(30)).until(() -> readers.reads.get() > reads + 30);
      readers.close();
      assertThat(readers.failures).as("failed reads through an outage longer than the sessions").isEmpty();
    }
    // each member lost its session and registered again under a new one, as the process and data it was
    assertThat(liveIncarnations()).as("every member kept its incarnation").isEqualTo(incarnations);
    assertThat(cluster.snapshot().failovers()).as("nobody was failed over or sent to catch up").isEmpty();
    assertThat(cluster.snapshot().epoch()).as("no failover, rejoin or admission was needed").isEqualTo(epoch);
    assertThat(resumed).as("first acknowledged write after ZooKeeper returned, in ms: sooner than a session could "
        + "expire, so at once rather than after waiting one out (the target is 1 s)")
        .isLessThan(NODE_SESSION.toMillis());
    acked.verifyAll(cluster.client);
  }

  private Map<String, Long> liveIncarnations() {
    Map<String, Long> out = new TreeMap<>();
    cluster.snapshot().live().forEach((id, live) -> out.put(id, live.incarnation()));
    assertThat(out.keySet()).containsAll(TestCluster.MEMBERS);
    return out;
  }

  /** Puts until one is acknowledged (writes may be refused while the members register again); ms it took. */
  private long firstWriteAfterZooKeeperReturned(long seed) {
    long back = System.nanoTime();
    while (true) {
      try {
        acked.put(cluster.client, seed++);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back);
      } catch (Exception notYet) {
        await().pollDelay(Duration.ofMillis(20)).until(() -> true);
      }
    }
  }
}
