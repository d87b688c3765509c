package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dyad.common.ObjectId;
import io.dyad.dosm.DosmConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole storage center lost: center B serves everything, writes and deletes go on degraded; when A comes
 * back it resyncs and fails back — and nothing deleted meanwhile comes back to life.
 */
class CenterLossIT {
  @TempDir Path dir;
  private TestCluster cluster;
  private final Acked acked = new Acked();

  @BeforeEach
  void start() throws Exception {
    // the center's nodes stop cleanly (in this JVM): a center shut down or cut off; crashes are ReplicationIT's
    cluster = new TestCluster(dir, TestCluster.Options.of(DosmConfig.POINT_TO_POINT).withInProcessNodes());
  }

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  @Test
  void centerBServesEverythingWhileAIsDownAndAResyncsWithoutResurrectingDeletes() throws Exception {
    List<ObjectId> before = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      before.add(acked.put(cluster.client, 10_000 + i));
    }
    for (String a : LocalCluster.CENTER_A) {
      cluster.kill(a);
    }
    await().atMost(Duration.ofSeconds(30)).until(() ->
        LocalCluster.CENTER_A.stream().allMatch(a -> cluster.snapshot().failover(a).isPresent()));
    for (String a : LocalCluster.CENTER_A) {
      assertThat(cluster.snapshot().failover(a).orElseThrow().servedBy()).isEqualTo("b" + a.substring(1));
    }

    // everything is served from center B
    acked.verifyAll(cluster.client);
    // writes continue, degraded (one copy plus a hint)
    for (int i = 0; i < 100; i++) {
      acked.put(cluster.client, 20_000 + i);
    }
    // deletes too: a tombstone in B and a hint for A
    for (int i = 0; i < 40; i++) {
      acked.delete(cluster.client, before.get(i));
    }
    acked.verifyAll(cluster.client);

    for (String a : LocalCluster.CENTER_A) {
      cluster.restart(a);
    }
    for (String a : LocalCluster.CENTER_A) {
      cluster.awaitServing(a, Duration.ofSeconds(120));
    }
    // A reads again first: the deleted objects must stay deleted, the new ones must be there
    acked.verifyAll(cluster.client);
    for (String a : LocalCluster.CENTER_A) {
      var left = cluster.inventory(a);
      var right = cluster.inventory("b" + a.substring(1));
      assertThat(left.keySet()).isEqualTo(right.keySet());
      for (ObjectId id : acked.deleted) {
        if (left.containsKey(id)) {
          assertThat(left.get(id).tombstone()).as("%s on %s", id, a).isTrue();
        }
      }
    }
  }
}
