package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dyad.client.Located;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.Presence;
import io.dyad.common.Routing;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.dosm.DosmConfig;
import io.dyad.rpc.StorageNodeClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Search (claims 7-10, 17-20): an object stored only on a node that placement does not name is found — by
 * multicast in one run, point-to-point in another — and an object that is nowhere is reported missing quickly.
 */
class SearchIT {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {DosmConfig.MULTICAST, DosmConfig.POINT_TO_POINT})
  void anObjectOffItsPairIsFoundAndAMissingOneIsReportedQuickly(String mode) throws Exception {
    try (TestCluster cluster = new TestCluster(dir.resolve(mode), TestCluster.Options.of(mode).withInProcessNodes())) {
      // an id whose pair is p1, stored by hand on b3 (center B, pair p3) only
      ObjectId id = idOnPair(cluster, "p1");
      long length = 300_000;
      try (StorageNodeClient b3 = cluster.node("b3")) {
        b3.put(id, Streams.generated(42, length), length, Routing.at(cluster.snapshot().epoch()));
      }
      Streams.CrcSink sink = new Streams.CrcSink();
      cluster.client.get(id, sink);
      assertThat(sink.crc()).isEqualTo(Streams.crcOf(Streams.generated(42, length)));

      Located where = cluster.client.locate(id);
      assertThat(where.pairId()).isEqualTo("p1");
      assertThat(where.copies()).singleElement().satisfies(c -> {
        assertThat(c.member()).isEqualTo("b3");
        assertThat(c.state()).isEqualTo(Presence.PRESENT);
        assertThat(c.how()).isEqualTo("search");
      });

      // a tombstone found by search also counts: the object is deleted, not missing
      ObjectId gone = idOnPair(cluster, "p2");
      try (StorageNodeClient a3 = cluster.node("a3")) {
        a3.put(gone, Streams.generated(7, 10), 10, Routing.at(cluster.snapshot().epoch()));
        a3.delete(gone, Routing.at(cluster.snapshot().epoch()));
      }
      assertThatThrownBy(() -> cluster.client.stat(gone)).hasMessageContaining("was deleted");

      ObjectId nowhere = ObjectId.of("nowhere-" + UUID.randomUUID());
      long started = System.nanoTime();
      assertThatThrownBy(() -> cluster.client.stat(nowhere)).isInstanceOf(DyadException.class)
          .satisfies(e -> assertThat(((DyadException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      System.out.printf("SearchIT: NotFound for an object on no member after %d ms%n", took.toMillis());
      // after the DOSM's own search (300 ms here), not after the client gave up (its request timeout is 20 s): a
      // generous bound, for a busy machine
      assertThat(took).as("not found, from the search rather than a timeout").isLessThan(Duration.ofSeconds(10));
    }
  }

  private static ObjectId idOnPair(TestCluster cluster, String pairId) throws DyadException {
    for (int i = 0; ; i++) {
      ObjectId id = ObjectId.of("search-" + i + "-" + UUID.randomUUID());
      PairInfo p = cluster.pairOf(id);
      if (p.id().equals(pairId)) {
        return id;
      }
    }
  }
}
