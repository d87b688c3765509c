package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.dosm.DosmConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two centers of three nodes (processes), two DOSMs: objects land on exactly their pair; a node killed under
 * load costs no client request; it comes back (with its data, or with an empty disk) and is resynced and
 * failed back until its inventory equals its partner's.
 */
class ReplicationIT {
  @TempDir Path dir;
  private TestCluster cluster;
  private final Acked acked = new Acked();

  @BeforeEach
  void start() throws Exception {
    cluster = new TestCluster(dir, DosmConfig.MULTICAST);
  }

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  private void writeObjects(int count, long seedBase) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      java.util.List<Future<ObjectId>> done = new java.util.ArrayList<>();
      for (int i = 0; i < count; i++) {
        long seed = seedBase + i;
        done.add(pool.submit(() -> acked.put(cluster.client, seed)));
      }
      for (Future<ObjectId> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdown();
    }
  }

  /** Which members hold each object, from the six inventories. */
  private Map<ObjectId, Set<String>> holders() throws Exception {
    Map<ObjectId, Set<String>> where = new HashMap<>();
    for (String m : TestCluster.MEMBERS) {
      for (ObjectMeta meta : cluster.inventory(m).values()) {
        if (!meta.tombstone()) {
          where.computeIfAbsent(meta.id(), k -> new HashSet<>()).add(m);
        }
      }
    }
    return where;
  }

  private void assertInventoriesEqual(String a, String b) throws Exception {
    Map<ObjectId, ObjectMeta> left = cluster.inventory(a);
    Map<ObjectId, ObjectMeta> right = cluster.inventory(b);
    assertThat(left.keySet()).as("ids on %s and %s", a, b).isEqualTo(right.keySet());
    for (ObjectId id : left.keySet()) {
      ObjectMeta l = left.get(id);
      ObjectMeta r = right.get(id);
      assertThat(l.tombstone()).as("tombstone of %s", id).isEqualTo(r.tombstone());
      if (!l.tombstone()) {
        assertThat(l.length()).isEqualTo(r.length());
        assertThat(l.crc32c()).as("crc of %s", id).isEqualTo(r.crc32c());
      }
    }
  }

  @Test
  void everyObjectLandsOnExactlyItsPairAndSurvivesAKill9UnderLoad() throws Exception {
    writeObjects(2000, 1_000_000);
    Map<ObjectId, Set<String>> where = holders();
    for (ObjectId id : acked.objects.keySet()) {
      PairInfo pair = cluster.pairOf(id);
      assertThat(where.get(id)).as("holders of %s", id).isEqualTo(Set.of(pair.a(), pair.b()));
    }
    assertThat(where.keySet()).isEqualTo(acked.objects.keySet());
    Map<String, Long> perPair = new HashMap<>();
    for (ObjectId id : acked.objects.keySet()) {
      perPair.merge(cluster.pairOf(id).id(), 1L, Long::sum);
    }
    assertThat(perPair.values()).as("rendezvous hashing spreads objects over the pairs").allMatch(n -> n > 400);

    long epoch = cluster.snapshot().epoch();
    try (Workload load = new Workload(cluster.client, acked, 3, 3, 5_000_000)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> load.writes.get() > 20 && load.reads.get() > 20);
      cluster.kill("a2");
      await().atMost(Duration.ofSeconds(30)).until(() -> cluster.snapshot().failover("a2").isPresent());
      long writesAtFailover = load.writes.get();
      await().atMost(Duration.ofSeconds(30)).until(() -> load.writes.get() > writesAtFailover + 30);
      load.close();
      assertThat(load.failures).as("failed client requests").isEmpty();
    }
    assertThat(cluster.snapshot().failover("a2").orElseThrow().servedBy()).isEqualTo("b2");
    assertThat(cluster.snapshot().epoch()).isGreaterThan(epoch);
    acked.verifyAll(cluster.client);

    // back with its data intact: resynced (it missed the writes made while it was down), then failed back
    cluster.restart("a2");
    cluster.awaitServing("a2", Duration.ofSeconds(90));
    assertInventoriesEqual("a2", "b2");

    // back with an empty disk: rebuilt completely from its partner
    cluster.kill("a2");
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.snapshot().failover("a2").isPresent());
    cluster.wipe("a2");
    cluster.restart("a2");
    cluster.awaitServing("a2", Duration.ofSeconds(120));
    assertInventoriesEqual("a2", "b2");
    assertThat(cluster.inventory("a2")).hasSizeGreaterThan(400);
    acked.verifyAll(cluster.client);
  }
}
