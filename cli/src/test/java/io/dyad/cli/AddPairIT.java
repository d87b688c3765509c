package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.model.RebalanceInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.dosm.DosmConfig;
import io.dyad.dosm.Placement;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Growing a cluster under load: {@code dyad admin add-pair} adds a fourth storage pair while writers, readers and
 * deleters run and a sweeper reads every acknowledged object again and again. The pair joins placement once both
 * of its nodes serve; the rebalancer (throttled to 2 MiB/s, so that the move takes a while) copies the objects it
 * now owns there and removes the old copies. Throughout, every read gives the right bytes and no delete comes back;
 * at the end every member holds exactly what rendezvous hashing over the four pairs gives it, and nothing else. The
 * second test kills the rebalancing DOSM (kill -9) midway: another resumes from its recorded page, waits while a
 * node of an old pair is down, and finishes once it is back.
 *
 * <p>Each test starts from {@value #OBJECTS_SHORT} objects, {@value #OBJECTS_FULL} with {@code -Ddyad.it.full=true}:
 * the readers' sweeps and the throttled move both take time in proportion, so the same number of sweeps happens
 * during the move either way.
 */
class AddPairIT {
  // a cluster for each test: both add pair p4, to clusters whose DOSMs rebalance differently
  static final int OBJECTS_SHORT = 120;
  static final int OBJECTS_FULL = 240;
  private static final int OBJECTS = Boolean.getBoolean("dyad.it.full") ? OBJECTS_FULL : OBJECTS_SHORT;
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;
  private TestCluster cluster;
  private final Acked acked = new Acked();

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void addingAPairUnderLoadMovesItsObjectsAndLosesNothing() throws Exception {
    // slow enough that readers sweep every object several times while the objects move
    cluster = new TestCluster(dir, TestCluster.Options.of(DosmConfig.MULTICAST)
        .withDosmArgs("--rebalance-mib-per-second", "4").withInProcessNodes());
    for (int i = 0; i < OBJECTS; i++) {
      acked.put(cluster.client, 40_000 + i);
    }
    List<ObjectId> toDelete = new ArrayList<>(acked.objects.keySet()).subList(0, 40);
    for (ObjectId id : toDelete) {
      acked.delete(cluster.client, id); // tombstones that must move to the new pair too
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.snapshot().rebalance().map(RebalanceInfo::done)
        .orElse(false));
    long epochBefore = cluster.snapshot().epoch();

    Sweeper sweeper = new Sweeper();
    Workload load = new Workload(cluster.client, acked, 1, 2, 1, 90_000);
    await().atMost(Duration.ofSeconds(30)).until(() -> load.writes.get() > 5 && sweeper.sweeps.get() > 0);

    addPairP4(epochBefore);
    // a deleted id is not used again, even while its tombstone waits on the old pair for the rebalancer
    ClusterSnapshot joined = cluster.snapshot();
    List<ObjectId> deletedNowOnP4 = toDelete.stream().filter(id -> uncheckedPairFor(id, joined).id().equals("p4"))
        .toList();
    assertThat(deletedNowOnP4).isNotEmpty();
    for (ObjectId id : deletedNowOnP4) {
      assertThatThrownBy(() -> cluster.client.put(Optional.of(id), () -> Streams.generated(1, 100), 100))
          .as("a put reusing deleted id %s", id).isInstanceOfSatisfying(DyadException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    }

    await().atMost(Duration.ofSeconds(60)).until(() -> running(cluster.snapshot()));
    int sweepsAtStart = sweeper.sweeps.get();
    await().atMost(Duration.ofSeconds(240)).until(() -> done(cluster.snapshot()));
    int sweepsDuring = sweeper.sweeps.get() - sweepsAtStart;
    long doneOps = load.done();
    await().atMost(Duration.ofSeconds(30)).until(() -> load.done() > doneOps + 50);
    load.close();
    sweeper.close();

    RebalanceInfo r = cluster.snapshot().rebalance().orElseThrow();
    assertThat(r.placement()).isEqualTo("p1,p2,p3,p4");
    assertThat(r.moved()).as("objects and tombstones moved to p4").isPositive();
    assertThat(r.kept()).isZero();
    assertThat(sweepsDuring).as("full read sweeps of every object while the rebalancer moved them").isGreaterThan(2);
    assertThat(sweeper.failures).as("reads that failed during the move").isEmpty();
    assertThat(load.failures).as("failed requests, resurrected deletes, NotFound for acknowledged objects").isEmpty();
    acked.verifyAll(cluster.client);
    Map<String, Map<ObjectId, ObjectMeta>> inventories = assertPlacement(cluster.snapshot());
    assertThat(tombstonesOnP4(inventories, cluster.snapshot())).as("tombstones moved to p4").isPositive();
  }

  @Test
  void aRebalancerKilledMidwayIsResumedByAnotherDosmThatWaitsOutACrashedNode() throws Exception {
    // the in-process DOSMs serve the client and never rebalance; r1 and r2 are processes that only rebalance
    cluster = new TestCluster(dir, TestCluster.Options.of(DosmConfig.MULTICAST)
        .withDosmArgs("--rebalance-mib-per-second", "0").withInProcessNodes());
    for (int i = 0; i < OBJECTS; i++) {
      acked.put(cluster.client, 60_000 + i);
    }
    DyadProcess r1 = cluster.startDosmProcess("r1", "-Xmx256m", "--rebalance-mib-per-second", "2");
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.snapshot().rebalance().map(RebalanceInfo::done)
        .orElse(false));
    Sweeper sweeper = new Sweeper();
    addPairP4(cluster.snapshot().epoch());
    await().atMost(Duration.ofSeconds(120)).until(() -> running(cluster.snapshot())
        && cluster.snapshot().rebalance().get().moved() > 0);
    RebalanceInfo before = cluster.snapshot().rebalance().orElseThrow();
    r1.kill9();
    // and a node of an old pair goes down too (a clean stop: its nodes run in this JVM): the next rebalancer waits
    // (and says so) until it serves again
    cluster.kill("a1");
    cluster.startDosmProcess("r2", "-Xmx256m", "--rebalance-mib-per-second", "2");
    await().atMost(Duration.ofSeconds(60)).until(() -> cluster.snapshot().rebalance()
        .map(r -> r.by().equals("r2") && r.waiting() != null && r.waiting().contains("a1")).orElse(false));
    cluster.restart("a1");
    await().atMost(Duration.ofSeconds(240)).until(() -> done(cluster.snapshot()));
    sweeper.close();

    RebalanceInfo after = cluster.snapshot().rebalance().orElseThrow();
    assertThat(after.by()).as("the rebalance finished by the second DOSM").isEqualTo("r2");
    assertThat(after.startedAtMillis()).as("resumed, not started again").isEqualTo(before.startedAtMillis());
    assertThat(after.moved()).isGreaterThan(before.moved());
    assertThat(after.kept()).isZero();
    assertThat(sweeper.failures).as("reads that failed while the rebalancer moved objects, was killed, and a node "
        + "restarted").isEmpty();
    assertThat(sweeper.sweeps.get()).isPositive();
    acked.verifyAll(cluster.client);
    assertPlacement(cluster.snapshot());
  }

  /** Adds storage pair p4 (a4, and b4 derived from it) with the CLI, starts its nodes, waits until it joins. */
  private void addPairP4(long epochBefore) throws Exception {
    int port = FreePorts.freeOnAll("127.0.1.14", "127.0.2.14");
    DyadProcess.Result added = DyadProcess.run(dir.resolve("logs"), Map.of(), Duration.ofSeconds(60), "admin",
        "add-pair", "--zk", cluster.zkConnect(), "--id", "p4", "--a", "a4=127.0.1.14:" + port, "--b", "b4");
    assertThat(added.exitCode()).as(added.stderr()).isZero();
    assertThat(added.stdout()).contains("member b4 (storage) in center B at 127.0.2.14:" + port)
        .contains("pair p4 added (joining)");
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.snapshot().pairs().containsKey("p4"));
    assertThat(cluster.snapshot().pairs().get("p4").joining()).isTrue();

    cluster.startNode("a4");
    // placement must not include the pair while only one of its members serves
    await().atMost(Duration.ofSeconds(60)).until(() -> cluster.snapshot().isServing("a4"));
    assertThat(cluster.snapshot().pairs().get("p4").joining()).as("p4 joins only once both serve").isTrue();
    cluster.startNode("b4");
    await().atMost(Duration.ofSeconds(60)).until(() -> !cluster.snapshot().pairs().get("p4").joining());
    assertThat(cluster.snapshot().epoch()).as("joining placement bumps the epoch").isGreaterThan(epochBefore);
  }

  /** Every member holds exactly the entries placement gives its pair, and every acknowledged object is on both. */
  private Map<String, Map<ObjectId, ObjectMeta>> assertPlacement(ClusterSnapshot s) throws Exception {
    Map<String, Map<ObjectId, ObjectMeta>> inventories = new HashMap<>();
    for (String m : List.of("a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4")) {
      inventories.put(m, cluster.inventory(m));
    }
    inventories.forEach((member, entries) -> entries.keySet().forEach(id ->
        assertThat(uncheckedPairFor(id, s).contains(member)).as("%s on %s (an old copy left behind?)", id, member)
            .isTrue()));
    assertThat(inventories.get("a4")).as("objects now on the new pair (a quarter is expected)")
        .hasSizeGreaterThan(OBJECTS / 12);
    for (Map.Entry<ObjectId, Acked.Written> e : acked.objects.entrySet()) {
      PairInfo pair = Placement.pairFor(e.getKey(), s);
      for (String member : List.of(pair.a(), pair.b())) {
        ObjectMeta held = inventories.get(member).get(e.getKey());
        assertThat(held).as("%s on %s", e.getKey(), member).isNotNull();
        assertThat(held.tombstone()).isFalse();
        assertThat(held.crc32c()).isEqualTo(e.getValue().crc());
      }
    }
    for (ObjectId id : acked.deleted) {
      inventories.values().forEach(entries -> assertThat(entries.get(id) == null || entries.get(id).tombstone())
          .as("deleted %s held as an object", id).isTrue());
    }
    return inventories;
  }

  private static long tombstonesOnP4(Map<String, Map<ObjectId, ObjectMeta>> inventories, ClusterSnapshot s) {
    return inventories.get("b4").values().stream().filter(ObjectMeta::tombstone)
        .filter(m -> uncheckedPairFor(m.id(), s).id().equals("p4")).count();
  }

  private static PairInfo uncheckedPairFor(ObjectId id, ClusterSnapshot s) {
    try {
      return Placement.pairFor(id, s);
    } catch (DyadException e) {
      throw new AssertionError(e);
    }
  }

  private static boolean running(ClusterSnapshot s) {
    return s.rebalance().map(r -> r.placement().equals("p1,p2,p3,p4") && !r.done()).orElse(false);
  }

  private static boolean done(ClusterSnapshot s) {
    return s.rebalance().map(r -> r.placement().equals("p1,p2,p3,p4") && r.done()).orElse(false);
  }

  /** Reads every acknowledged object, in turn, again and again, and records every failed read. */
  private final class Sweeper implements AutoCloseable {
    final AtomicInteger sweeps = new AtomicInteger();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread = new Thread(this::run, "sweeper");

    Sweeper() {
      thread.start();
    }

    private void run() {
      while (running.get()) {
        for (ObjectId id : new ArrayList<>(acked.objects.keySet())) {
          try {
            acked.verify(cluster.client, id);
          } catch (Throwable e) {
            failures.add("read of " + id + ": " + e);
          }
        }
        sweeps.incrementAndGet();
      }
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(120_000);
    }
  }
}
