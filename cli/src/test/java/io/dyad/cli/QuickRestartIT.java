package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.coordinator.model.FailoverState;
import io.dyad.dosm.DosmConfig;
import io.dyad.rpc.StorageNodeClient;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The timings a process supervisor creates: a member killed and started again at once — before any failover is
 * declared — on its own data, on an empty (replaced) disk, and the partner of a resyncing member killed and
 * restarted. Under load with deletes, no read returns a deleted object, no acknowledged object reads NotFound, and
 * afterwards both members of the pair hold the same objects and tombstones.
 */
class QuickRestartIT {
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) static Path dir;
  /** One cluster for the class: each test leaves every member serving, and checks all acknowledged so far. */
  private static TestCluster cluster;
  private static final Acked acked = new Acked();

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster(dir, DosmConfig.MULTICAST);
    for (int i = 0; i < 150; i++) {
      acked.put(cluster.client, 7_000 + i);
    }
  }

  /** A test that failed midway may have left a member down: start it again, so that the next one starts whole. */
  @BeforeEach
  void everyMemberServes() throws Exception {
    for (String m : TestCluster.MEMBERS) {
      if (!cluster.process(m).isAlive()) {
        cluster.restart(m);
      }
    }
    for (String m : TestCluster.MEMBERS) {
      cluster.awaitServing(m, Duration.ofSeconds(90));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private Workload load(long seedBase) {
    Workload w = new Workload(cluster.client, acked, 2, 3, 2, seedBase);
    await().atMost(Duration.ofSeconds(30)).until(() -> w.writes.get() > 10 && w.deletes.get() > 10);
    return w;
  }

  /** Keeps the load on until {@code member} serves again and a little longer, then stops it and checks it. */
  private void finish(Workload load, String member) throws Exception {
    finish(load, member, false);
  }

  /**
   * @param pairWasDown both members of a pair were out at once: its requests may have failed with Unavailable
   *     meanwhile, but never with a wrong answer
   */
  private void finish(Workload load, String member, boolean pairWasDown) throws Exception {
    cluster.awaitServing(member, Duration.ofSeconds(90));
    long done = load.done();
    await().atMost(Duration.ofSeconds(30)).until(() -> load.done() > done + 50);
    load.close();
    if (pairWasDown) {
      assertThat(load.failures).as("resurrected deletes and NotFound for acknowledged objects")
          .noneMatch(f -> f.contains("resurrected") || f.contains("NOT_FOUND"))
          .allMatch(f -> f.contains("UNAVAILABLE"));
    } else {
      assertThat(load.failures).as("failed requests, resurrected deletes, NotFound for acknowledged objects")
          .isEmpty();
    }
    assertThat(load.readsOfDeleted.get()).as("deleted objects were read (and found deleted)").isPositive();
    acked.verifyAll(cluster.client);
  }

  private void assertInventoriesEqual(String a, String b) throws Exception {
    // a write that met the failback half-way may still be on its way as a hint: the handoff brings it over
    cluster.awaitNoHints(a, b, Duration.ofSeconds(30));
    Map<ObjectId, ObjectMeta> left = cluster.inventory(a);
    Map<ObjectId, ObjectMeta> right = cluster.inventory(b);
    assertThat(left.keySet()).as("ids on %s and %s", a, b).containsExactlyInAnyOrderElementsOf(right.keySet());
    for (ObjectId id : left.keySet()) {
      assertThat(left.get(id).tombstone()).as("tombstone of %s", id).isEqualTo(right.get(id).tombstone());
      assertThat(left.get(id).crc32c()).as("crc of %s", id).isEqualTo(right.get(id).crc32c());
    }
  }

  @Test
  void aMemberKilledAndRestartedAtOnceOnItsOwnDataCatchesUpBeforeItServesReads() throws Exception {
    long epoch = cluster.snapshot().epoch();
    Workload load = load(10_000_000);
    cluster.killAndRestartAtOnce("a1");
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.snapshot().epoch() > epoch
        && !cluster.snapshot().isServing("a1"));
    finish(load, "a1");
    assertInventoriesEqual("a1", "b1");
  }

  /**
   * Most of the load's objects are small, so they are acknowledged by group commits of a1's write journal: a kill
   * -9 lands amid them. At restart a1 replays its journal; afterwards every object it holds reads back whole with
   * the CRC32C of its record (no partial object), and nothing acknowledged is missing (the load's checks).
   */
  @Test
  void aMemberKilledAmidGroupCommitsKeepsEveryAcknowledgedObjectAndNoPartialOne() throws Exception {
    Workload load = load(40_000_000);
    long before = load.writes.get();
    await().atMost(Duration.ofSeconds(30)).until(() -> load.writes.get() > before + 100);
    cluster.killAndRestartAtOnce("a1");
    finish(load, "a1");
    assertInventoriesEqual("a1", "b1");
    int verified = 0;
    try (StorageNodeClient a1 = cluster.node("a1")) {
      for (ObjectMeta m : cluster.inventory("a1").values()) {
        if (!m.tombstone()) {
          assertThat(crcOfWhole(a1, m)).as("content of %s on a1", m.id()).isEqualTo(m.crc32c());
          verified++;
        }
      }
    }
    assertThat(verified).as("objects verified on a1").isGreaterThan(100);
  }

  private int crcOfWhole(StorageNodeClient node, ObjectMeta m) throws Exception {
    CRC32C crc = new CRC32C();
    long epoch = cluster.snapshot().epoch();
    for (long at = 0; at < m.length(); ) {
      ByteBuffer part = node.localReadShared(m.id(), at, 256 * 1024, epoch);
      assertThat(part.remaining()).as("bytes of %s at %d", m.id(), at).isPositive();
      at += part.remaining();
      crc.update(part);
    }
    return (int) crc.getValue();
  }

  @Test
  void aMemberRestartedAtOnceOnAnEmptyDiskIsRebuiltBeforeItServesReads() throws Exception {
    Workload load = load(20_000_000);
    cluster.kill("a1");
    cluster.wipe("a1");
    cluster.restart("a1");
    finish(load, "a1");
    assertInventoriesEqual("a1", "b1");
    assertThat(cluster.inventory("a1")).as("rebuilt").hasSizeGreaterThan(30);
  }

  @Test
  void thePartnerOfAResyncingMemberKilledAndRestartedMergesWithItAndBothServeAgain() throws Exception {
    cluster.kill("a1");
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.snapshot().failover("a1").isPresent());
    Workload load = load(30_000_000);
    // a1 comes back and resyncs from b1; while it does, b1 is killed and restarted by its supervisor
    cluster.restart("a1");
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.snapshot().failover("a1")
        .map(f -> f.state() == FailoverState.RESYNCING).orElse(false));
    cluster.killAndRestartAtOnce("b1");
    cluster.awaitServing("b1", Duration.ofSeconds(90));
    finish(load, "a1", true);
    assertInventoriesEqual("a1", "b1");
  }
}
