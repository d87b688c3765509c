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
import io.dyad.coordinator.model.ResyncInfo;
import io.dyad.dosm.DosmConfig;
import io.dyad.rpc.StorageNodeClient;
import io.dyad.thrift.InvalidArgument;
import io.dyad.thrift.ObjectGateway;
import io.dyad.thrift.PutSession;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** The write path under the cluster's changes, and errors that tell the truth. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WritePathIT {
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) static Path dir;
  /**
   * One cluster for the class: every test places its objects under fresh ids, and {@link #everyMemberServes} puts
   * back whatever the test before it took away (a killed, stopped or paused member, a failover hold, hints).
   */
  private static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster(dir, DosmConfig.POINT_TO_POINT);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Each test starts from a whole cluster: no hold, every member serving, no hint left to hand off. */
  @BeforeEach
  void everyMemberServes() throws Exception {
    cluster.restoreEveryMember();
  }

  /** A fresh id placed on {@code pairId}. */
  private ObjectId idOn(String pairId) throws DyadException {
    while (true) {
      ObjectId id = ObjectId.of("wp-" + UUID.randomUUID());
      if (cluster.pairOf(id).id().equals(pairId)) {
        return id;
      }
    }
  }

  private static int crc(byte[] b) {
    CRC32C c = new CRC32C();
    c.update(b);
    return (int) c.getValue();
  }

  /**
   * A put that committed on one member only and was not acknowledged (its hint could not be recorded, or its answer
   * was lost) is repeated by the client while the other member is down: the repeat finds the bytes already there
   * and commits nothing — it must still leave a hint, or the member that lacks the object never gets it.
   */
  @Test
  void aRepeatedPutThatFindsItsBytesOnOneMemberLeavesAHintForTheMemberThatLacksThem() throws Exception {
    ObjectId id = idOn("p1");
    byte[] data = new byte[20_000];
    new java.util.Random(5).nextBytes(data);
    try (StorageNodeClient b1 = cluster.node("b1")) {
      b1.put(id, new java.io.ByteArrayInputStream(data), data.length, Routing.at(cluster.snapshot().epoch()));
    }
    cluster.kill("a1");
    ObjectMeta m = cluster.client.put(Optional.of(id), () -> new java.io.ByteArrayInputStream(data), data.length);
    assertThat(m.crc32c()).isEqualTo(crc(data));
    assertThat(cluster.hintsFor("b1", "a1")).as("b1 records that a1 lacks it").isPositive();
    cluster.restart("a1");
    cluster.awaitServing("a1", Duration.ofSeconds(90));
    cluster.awaitNoHints("a1", "b1", Duration.ofSeconds(30));
    try (StorageNodeClient a1 = cluster.node("a1")) {
      assertThat(a1.has(id)).as("a1 got the object from its partner").isEqualTo(Presence.PRESENT);
    }
  }

  @Test
  void aPutInFlightAcrossAnEpochChangeOfAnotherPairCommitsOnBothMembers() throws Exception {
    ObjectId id = idOn("p1");
    byte[] data = new byte[100_000];
    new java.util.Random(1).nextBytes(data);
    ObjectGateway.Client raw = cluster.rawGateway(0);
    try {
      PutSession put = raw.beginPut(data.length, id.value(), "");
      raw.putChunk(put.getPutId(), 0, ByteBuffer.wrap(data));
      long epoch = cluster.snapshot().epoch();
      cluster.requests().hold(List.of("a2"), "epoch change during a put", "test");
      await().atMost(Duration.ofSeconds(10)).until(() -> cluster.snapshot().epoch() > epoch);
      assertThat(raw.commitPut(put.getPutId(), data.length, crc(data)).getLength()).isEqualTo(data.length);
    } finally {
      raw.getInputProtocol().getTransport().close();
    }
    for (String member : List.of("a1", "b1")) {
      try (StorageNodeClient c = cluster.node(member)) {
        assertThat(c.has(id)).as("on %s", member).isEqualTo(Presence.PRESENT);
      }
    }
    assertThat(cluster.hintsFor("b1", "a1") + cluster.hintsFor("a1", "b1")).as("written on both, no hint").isZero();
  }

  @Test
  void aFullMemberIsWrittenAroundWithAHintAndARebuildOntoATooSmallDiskStallsWithAReason() throws Exception {
    for (int i = 0; i < 10; i++) {
      cluster.client.put(Optional.of(idOn("p1")), () -> Streams.generated(2, 20_000), 20_000);
    }
    // a1 comes back with a disk too small for anything: the pair's writes go to b1 with hints for a1
    cluster.kill("a1");
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.snapshot().failover("a1").isPresent());
    cluster.wipe("a1");
    cluster.restart("a1", "--reserve-mib", "100000000");
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.snapshot().resync().containsKey("a1")
        && cluster.snapshot().resync().get("a1").state() == ResyncInfo.Phase.STALLED);
    ResyncInfo stalled = cluster.snapshot().resync().get("a1");
    assertThat(stalled.detail()).contains("no room").contains("retrying in");
    try (StorageNodeClient a1 = cluster.node("a1")) {
      assertThat(a1.health().status()).isEqualTo("RESYNCING");
    }
    ObjectId id = idOn("p1");
    ObjectMeta m = cluster.client.put(Optional.of(id), () -> Streams.generated(3, 5000), 5000);
    assertThat(m.length()).isEqualTo(5000);
    assertThat(cluster.hintsFor("b1", "a1")).as("a1 is full: b1 keeps a hint for it").isPositive();
    // it retries slowly, not from scratch every second
    await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5))
        .until(() -> cluster.snapshot().resync().get("a1").updatedAt() == stalled.updatedAt());

    // with room again it catches up and serves
    cluster.kill("a1");
    cluster.restart("a1");
    cluster.awaitServing("a1", Duration.ofSeconds(90));
    try (StorageNodeClient a1 = cluster.node("a1")) {
      assertThat(a1.has(id)).isEqualTo(Presence.PRESENT);
      assertThat(a1.health().status()).isEqualTo("SERVING");
    }
    assertThat(cluster.snapshot().resync()).as("the resync report goes with the failback").doesNotContainKey("a1");
  }

  @Test
  void aReadPastTheEndIsTheCallersMistakeAndMissingOrNegativeArgumentsAreRefused() throws Exception {
    ObjectId id = idOn("p2");
    cluster.client.put(Optional.of(id), () -> Streams.generated(4, 1000), 1000);
    ObjectGateway.Client raw = cluster.rawGateway(0);
    try {
      assertThatThrownBy(() -> raw.get(id.value(), 5000, 10, "")).isInstanceOf(InvalidArgument.class)
          .hasMessageContaining("beyond the end");
      assertThatThrownBy(() -> raw.putChunk("no-such-put", 0, null)).isInstanceOf(InvalidArgument.class);
      assertThatThrownBy(() -> raw.get(".", 0, 10, "")).isInstanceOf(InvalidArgument.class);
      assertThat(raw.stat(id.value(), "").getLength()).as("the connection still serves").isEqualTo(1000);
    } finally {
      raw.getInputProtocol().getTransport().close();
    }
    long epoch = cluster.snapshot().epoch();
    try (StorageNodeClient a2 = cluster.node("a2")) {
      assertFails(ErrorCode.INVALID_ARGUMENT, () -> a2.read(id, 0, 10, -1));
      assertFails(ErrorCode.INVALID_ARGUMENT, () -> a2.addHint("b3", id, epoch));
      assertFails(ErrorCode.INVALID_ARGUMENT, () -> a2.addHint("nobody", id, epoch));
      assertFails(ErrorCode.INVALID_ARGUMENT, () -> a2.delete(ObjectId.of("x" + UUID.randomUUID()),
          new Routing(epoch, List.of("a3"))));
      assertFails(ErrorCode.INVALID_ARGUMENT, () -> a2.listHints("b2", "not-a-cursor", 10));
      a2.addHint("b2", id, epoch); // its partner: fine
      assertThat(a2.health().status()).isEqualTo("SERVING");
    }
  }

  @Test
  void anAbortDoesNotWaitForAChunkStuckOnAPausedMember() throws Exception {
    ObjectId id = idOn("p3");
    ObjectGateway.Client writer = cluster.rawGateway(0);
    ObjectGateway.Client aborter = cluster.rawGateway(0);
    try {
      PutSession put = writer.beginPut(-1, id.value(), "");
      cluster.pause("b3"); // the chunk's append to b3 now waits for the node timeout (2 s)
      java.util.concurrent.CompletableFuture<Void> chunk = java.util.concurrent.CompletableFuture.runAsync(() -> {
        try {
          writer.putChunk(put.getPutId(), 0, ByteBuffer.wrap(new byte[50_000]));
        } catch (org.apache.thrift.TException e) {
          throw new IllegalStateException(e);
        }
      });
      await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> !chunk.isDone());
      long start = System.nanoTime();
      aborter.abortPut(put.getPutId());
      System.out.printf("WritePathIT: abortPut returned in %d ms while a chunk was stuck on b3%n",
          Duration.ofNanos(System.nanoTime() - start).toMillis());
      // an abort that waited for the chunk would return with the chunk's own answer on its way: still pending
      // a moment later, the chunk was not what the abort waited for
      await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1))
          .until(() -> !chunk.isDone());
      chunk.get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThatThrownBy(() -> writer.commitPut(put.getPutId(), 50_000, crc(new byte[50_000])))
          .as("the put has ended").isInstanceOf(io.dyad.thrift.NotFound.class);
    } finally {
      cluster.resume("b3");
      writer.getInputProtocol().getTransport().close();
      aborter.getInputProtocol().getTransport().close();
    }
    try (StorageNodeClient a3 = cluster.node("a3")) {
      assertThat(a3.has(id)).as("an aborted put stores nothing").isEqualTo(Presence.ABSENT);
    }
  }

  /** First, so that b3 is the process the cluster started, with nothing but this test in its log. */
  @Test
  @Order(1)
  void aCleanStopLogsNoStackTraces() throws Exception {
    cluster.client.put(Optional.empty(), () -> Streams.generated(9, 300_000), 300_000);
    DyadProcess b3 = cluster.process("b3");
    assertThat(b3.terminate(Duration.ofSeconds(30))).isEqualTo(143);
    String log = b3.stderr() + b3.stdout();
    assertThat(log).doesNotContain("Exception").doesNotContain("\tat ");
  }

  private static void assertFails(ErrorCode code, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(DyadException.class)
        .satisfies(e -> assertThat(((DyadException) e).code()).isEqualTo(code));
  }
}
