package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.common.Presence;
import io.dyad.common.Routing;
import io.dyad.dosm.DosmConfig;
import io.dyad.rpc.StorageNodeClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** DOSMs are stateless: when one stops under load, clients go on through the other without a failed request. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayFailoverIT {
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) static Path dir;
  /** One cluster for the class: the test that stops a DOSM (which the cluster does not start again) runs last. */
  private static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster(dir, TestCluster.Options.of(DosmConfig.POINT_TO_POINT).withInProcessNodes());
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(2)
  void clientsMoveToAnotherDosmWhenOneStops() throws Exception {
    Acked acked = new Acked();
    for (int i = 0; i < 50; i++) {
      acked.put(cluster.client, 500 + i);
    }
    try (Workload load = new Workload(cluster.client, acked, 2, 2, 9_000_000)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> load.writes.get() > 20);
      cluster.dosms.get(0).service().stopAsync().awaitTerminated();
      await().atMost(Duration.ofSeconds(30)).until(() -> cluster.snapshot().dosms().size() == 1);
      long writes = load.writes.get();
      await().atMost(Duration.ofSeconds(30)).until(() -> load.writes.get() > writes + 30);
      load.close();
      assertThat(load.failures).as("failed client requests").isEmpty();
    }
    acked.verifyAll(cluster.client);
  }

  @Test
  @Order(1)
  void aPutRepeatedUnderTheSameIdSucceedsOnlyWithTheSameBytes() throws Exception {
    // a put that died after one member committed: only that member has the object
    ObjectId id = ObjectId.of("repeated-" + java.util.UUID.randomUUID());
    String first = cluster.pairOf(id).a();
    String second = cluster.pairOf(id).b();
    try (StorageNodeClient c = cluster.node(first)) {
      c.put(id, Streams.generated(5, 70_000), 70_000, Routing.at(cluster.snapshot().epoch()));
    }
    ObjectMeta again = cluster.client.put(Optional.of(id), () -> Streams.generated(5, 70_000), 70_000);
    assertThat(again.crc32c()).isEqualTo(Streams.crcOf(Streams.generated(5, 70_000)));
    try (StorageNodeClient c = cluster.node(second)) {
      assertThat(c.has(id)).as("the repeat completed the copy on %s", second).isEqualTo(Presence.PRESENT);
    }
    assertThatThrownBy(() -> cluster.client.put(Optional.of(id), () -> Streams.generated(6, 70_000), 70_000))
        .isInstanceOf(DyadException.class)
        .satisfies(e -> assertThat(((DyadException) e).code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
  }
}
