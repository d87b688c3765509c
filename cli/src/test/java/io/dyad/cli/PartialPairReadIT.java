package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.Routing;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.rpc.StorageNodeClient;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads when one member's copy is behind its partner's (a write or a delete acknowledged with a hint for it, not
 * collected yet): while only one member serves and its partner is up but does not (held failed over here, as a
 * catching-up member is), the partner's own copy decides; while both serve, a stat asks the partner for a tombstone.
 * Found by QuickRestartIT in CI: a member failed back while its partner still held a hint for it, and reads answered
 * NotFound for an acknowledged object, or returned a deleted one.
 */
class PartialPairReadIT {
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) static Path dir;
  /** One cluster for the class: each test uses an object of its own, and holds are released between tests. */
  private static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster(dir, TestCluster.Options.of("point-to-point").withInProcessNodes());
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

  private ObjectId put(byte[] data) throws Exception {
    return cluster.client.put(Optional.empty(), () -> new java.io.ByteArrayInputStream(data), data.length).id();
  }

  /** Holds member {@code held} failed over (it stays up) until its partner serves alone. */
  private void holdOut(String held, String serving) throws Exception {
    cluster.requests().hold(List.of(held), "test: its partner serves alone", "PartialPairReadIT");
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.snapshot().failover(held).isPresent()
        && cluster.snapshot().isServing(serving) && cluster.snapshot().isLive(held));
  }

  private static Path objectFile(Path data, ObjectId id) throws Exception {
    try (Stream<Path> files = Files.walk(data)) {
      return files.filter(p -> p.getFileName().toString().equals(id.value())).findFirst().orElseThrow();
    }
  }

  @Test
  void anObjectTheServingMemberLacksIsReadFromItsPartnersOwnCopy() throws Exception {
    byte[] data = new byte[300_000];
    new Random(1).nextBytes(data);
    ObjectId id = put(data);
    PairInfo pair = cluster.pairOf(id);
    holdOut(pair.a(), pair.b());
    // the serving member lacks the object, as one does that was failed back before collecting a hint for it
    Files.delete(objectFile(cluster.dataDir(pair.b()), id));
    try (StorageNodeClient b = cluster.node(pair.b())) {
      assertThatThrownBy(() -> b.stat(id)).isInstanceOfSatisfying(DyadException.class,
          e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    cluster.client.get(id, out);
    assertThat(out.toByteArray()).as("the acknowledged object, from the held member's own copy").isEqualTo(data);
    assertThat(cluster.client.stat(id).length()).isEqualTo(data.length);
  }

  @Test
  void whileBothServeADeleteOnlyThePartnerHasIsNotUndoneByTheCopyReadFirst() throws Exception {
    byte[] data = new byte[20_000];
    new Random(3).nextBytes(data);
    ObjectId id = put(data);
    PairInfo pair = cluster.pairOf(id);
    // the pair's first member (read first) keeps a stale copy; the delete reached only its partner
    try (StorageNodeClient b = cluster.node(pair.b())) {
      assertThat(b.delete(id, Routing.at(cluster.snapshot().epoch())).tombstone()).isTrue();
    }
    assertThat(cluster.snapshot().isServing(pair.a()) && cluster.snapshot().isServing(pair.b())).isTrue();
    assertThatThrownBy(() -> cluster.client.stat(id)).as("no resurrected delete")
        .isInstanceOfSatisfying(DyadException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> cluster.client.get(id, new ByteArrayOutputStream()))
        .isInstanceOfSatisfying(DyadException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void aDeleteTheServingMemberDoesNotKnowOfYetIsNotUndone() throws Exception {
    byte[] data = new byte[50_000];
    new Random(2).nextBytes(data);
    ObjectId id = put(data);
    PairInfo pair = cluster.pairOf(id);
    // deleted on one member only, as a delete acknowledged with a hint for the other
    try (StorageNodeClient a = cluster.node(pair.a())) {
      assertThat(a.delete(id, Routing.at(cluster.snapshot().epoch())).tombstone()).isTrue();
    }
    holdOut(pair.a(), pair.b());
    try (StorageNodeClient b = cluster.node(pair.b())) {
      assertThat(b.stat(id).tombstone()).as("the serving member still holds the object").isFalse();
    }
    assertThatThrownBy(() -> cluster.client.stat(id)).as("no resurrected delete")
        .isInstanceOfSatisfying(DyadException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> cluster.client.get(id, new ByteArrayOutputStream()))
        .isInstanceOfSatisfying(DyadException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }
}
