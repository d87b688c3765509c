package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.Routing;
import io.dyad.dosm.DosmConfig;
import io.dyad.rpc.StorageNodeClient;
import io.dyad.rpc.ThriftClientConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node paused (SIGSTOP) past its session timeout wakes up into a cluster that has failed it over: it takes
 * no write under the old epoch and serves no stale object; then it resyncs and is failed back. And one that wakes
 * before anyone failed it over registers again as the same incarnation, but serves no read before it has collected
 * what its partner took for it meanwhile: no deleted object comes back from it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FencingIT {
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) static Path dir;
  /**
   * One cluster for the class: the paused node is failed back before the next test; the test that stops the
   * coordinator (which the cluster does not start again) runs last.
   */
  private static TestCluster cluster;
  private static final Acked acked = new Acked();

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster(dir, DosmConfig.MULTICAST);
  }

  @BeforeEach
  void everyMemberServes() throws Exception {
    cluster.restoreEveryMember();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private ObjectId putOnPair(String pairId, long seed) throws Exception {
    while (true) {
      ObjectId id = acked.put(cluster.client, seed++);
      if (cluster.pairOf(id).id().equals(pairId)) {
        return id;
      }
    }
  }

  @Test
  @Order(1)
  void aPausedNodeTakesNoWriteUnderTheOldEpochAndServesNoStaleObject() throws Exception {
    ObjectId doomed = putOnPair("p1", 100);
    long oldEpoch = cluster.snapshot().epoch();

    cluster.pause("a1");
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.snapshot().failover("a1").isPresent());
    acked.delete(cluster.client, doomed); // only b1 records it (plus a hint for a1)
    List<ObjectId> written = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      written.add(putOnPair("p1", 1000 + 100L * i));
    }
    cluster.resume("a1");

    // a router that still believes in the old epoch talks to a1 at once
    ObjectId stale = ObjectId.of("stale-" + UUID.randomUUID());
    try (StorageNodeClient a1 = StorageNodeClient.connect(cluster.address("a1"),
        ThriftClientConfig.defaults().withRequestTimeout(Duration.ofSeconds(10)))) {
      assertThatThrownBy(() -> a1.put(stale, Streams.generated(1, 1000), 1000, Routing.at(oldEpoch)))
          .isInstanceOf(DyadException.class)
          .satisfies(e -> assertThat(((DyadException) e).code()).isIn(ErrorCode.UNAVAILABLE, ErrorCode.STALE_EPOCH));
      assertThatThrownBy(() -> a1.read(doomed, 0, 100, oldEpoch)).isInstanceOf(DyadException.class)
          .satisfies(e -> assertThat(((DyadException) e).code()).isIn(ErrorCode.UNAVAILABLE, ErrorCode.STALE_EPOCH));
      assertThatThrownBy(() -> a1.stat(doomed, oldEpoch)).isInstanceOf(DyadException.class)
          .satisfies(e -> assertThat(((DyadException) e).code()).isIn(ErrorCode.UNAVAILABLE, ErrorCode.STALE_EPOCH));
    }

    // it registers again, resyncs (the delete and the new objects) and is failed back
    cluster.awaitServing("a1", Duration.ofSeconds(90));
    try (StorageNodeClient a1 = cluster.node("a1")) {
      assertThat(a1.has(doomed)).isEqualTo(io.dyad.common.Presence.DELETED);
      assertThat(a1.has(stale)).as("the refused write left nothing").isEqualTo(io.dyad.common.Presence.ABSENT);
      for (ObjectId id : written) {
        assertThat(a1.has(id)).as("%s copied to a1", id).isEqualTo(io.dyad.common.Presence.PRESENT);
      }
    }
    acked.verifyAll(cluster.client);
  }

  @Test
  @Order(2)
  void aNodePausedPastItsSessionButNeverFailedOverServesNoDeletedObjectWhenItRegistersAgain() throws Exception {
    ObjectId doomed = putOnPair("p1", 5_000);
    cluster.coordinator.stopAsync().awaitTerminated(); // nobody declares a failover while a1 is away
    cluster.pause("a1");
    await().atMost(Duration.ofSeconds(30)).until(() -> !cluster.snapshot().isLive("a1")); // its session expired
    acked.delete(cluster.client, doomed); // b1 records it, with a hint for a1
    List<ObjectId> written = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      written.add(putOnPair("p1", 6_000 + 100L * i));
    }
    cluster.resume("a1");
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.snapshot().isServing("a1"));

    // as the same incarnation it is serving again at once; until it has the hints it must answer no read of doomed
    long epoch = cluster.snapshot().epoch();
    long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    int refused = 0;
    try (StorageNodeClient a1 = cluster.node("a1")) {
      while (System.nanoTime() < until) {
        try {
          a1.read(doomed, 0, 100, epoch);
          throw new AssertionError("a1 served the bytes of " + doomed + ", deleted while it was paused");
        } catch (DyadException e) {
          refused++; // not serving reads yet, or the object is gone: either way no stale bytes
        }
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> a1.has(doomed) == io.dyad.common.Presence.DELETED);
      for (ObjectId id : written) {
        assertThat(a1.has(id)).as("%s collected by a1", id).isEqualTo(io.dyad.common.Presence.PRESENT);
      }
    }
    assertThat(refused).isPositive();
    assertThat(cluster.snapshot().failovers()).as("it was never failed over").doesNotContainKey("a1");
    acked.verifyAll(cluster.client);
  }
}
