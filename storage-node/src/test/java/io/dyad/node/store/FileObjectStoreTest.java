package io.dyad.node.store;

import static io.dyad.node.store.StoreFixture.crc;
import static io.dyad.node.store.StoreFixture.id;
import static io.dyad.node.store.StoreFixture.put;
import static io.dyad.node.store.StoreFixture.randomBytes;
import static io.dyad.node.store.StoreFixture.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.testing.FakeTicker;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.common.Presence;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileObjectStoreTest {
  private static final int CHUNK = 64 * 1024;

  @TempDir Path dataDir;
  private final FakeTicker ticker = new FakeTicker();
  private FileObjectStore store;

  @BeforeEach
  void start() {
    store = open(StoreConfig.defaults(dataDir).withReserveBytes(0).withMaxChunkBytes(1024 * 1024)
        .withSessionIdleTimeout(Duration.ofMinutes(1)));
  }

  private FileObjectStore open(StoreConfig config) {
    FileObjectStore s = new FileObjectStore(config, Clock.systemUTC(), ticker);
    s.startAsync().awaitRunning();
    return s;
  }

  @AfterEach
  void stop() {
    if (store.isRunning()) {
      store.stopAsync().awaitTerminated();
    }
  }

  static void assertFails(ErrorCode code, ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(DyadException.class)
        .satisfies(e -> assertThat(((DyadException) e).code()).isEqualTo(code));
  }

  @Test
  void objectsOfEverySizeRoundTripWithTheirChecksum() throws Exception {
    int[] sizes = {0, 1, 65_535, 65_536, 65_537, 1_048_576 + 3};
    for (int size : sizes) {
      ObjectId id = id("obj-" + size);
      byte[] content = randomBytes(size, size);
      ObjectMeta meta = put(store, id, content, 100_000);
      assertThat(meta.length()).isEqualTo(size);
      assertThat(meta.crc32c()).isEqualTo(crc(content));
      assertThat(meta.tombstone()).isFalse();
      assertThat(readAll(store, id, 1024 * 1024)).isEqualTo(content);
      assertThat(readAll(store, id, 4099)).isEqualTo(content);
      assertThat(store.stat(id)).isEqualTo(meta);
      assertThat(store.presence(id)).isEqualTo(Presence.PRESENT);
    }
  }

  @Test
  void rangedReadsReturnExactlyTheRequestedBytes() throws Exception {
    byte[] content = randomBytes(7, 300_000);
    ObjectId id = id("ranged");
    put(store, id, content, CHUNK);
    long[][] ranges = {{0, 10}, {65_530, 20}, {131_072, 65_536}, {299_990, 100}, {300_000, 10}, {123, 0}};
    for (long[] r : ranges) {
      ByteBuffer got = store.read(id, r[0], (int) r[1]);
      int from = (int) r[0];
      int to = (int) Math.min(content.length, r[0] + r[1]);
      assertThat(toArray(got)).as("range %s+%s", r[0], r[1]).isEqualTo(Arrays.copyOfRange(content, from, to));
    }
    assertFails(ErrorCode.INVALID_ARGUMENT, () -> store.read(id, 300_001, 1));
    assertFails(ErrorCode.INVALID_ARGUMENT, () -> store.read(id, -1, 1));
    assertFails(ErrorCode.INVALID_ARGUMENT, () -> store.read(id, 0, 1024 * 1024 + 1));
  }

  @Test
  void commitWithWrongChecksumIsRefusedAndLeavesNothing() throws Exception {
    ObjectId id = id("wrong-crc");
    byte[] content = randomBytes(1, 5000);
    String s = store.begin(id, content.length);
    store.append(s, 0, ByteBuffer.wrap(content));
    assertFails(ErrorCode.CHECKSUM_MISMATCH, () -> store.commit(s, content.length, crc(content) ^ 1));
    assertFails(ErrorCode.NOT_FOUND, () -> store.stat(id));
    assertFails(ErrorCode.NOT_FOUND, () -> store.append(s, content.length, ByteBuffer.wrap(content)));
    assertThat(filesIn(dataDir.resolve("tmp"))).isZero();
    // the id is still free: a correct write succeeds
    assertThat(put(store, id, content, CHUNK).crc32c()).isEqualTo(crc(content));
  }

  @Test
  void commitWithWrongLengthIsRefused() throws Exception {
    ObjectId id = id("wrong-length");
    byte[] content = randomBytes(2, 100);
    String s = store.begin(id, -1);
    store.append(s, 0, ByteBuffer.wrap(content));
    assertFails(ErrorCode.INVALID_ARGUMENT, () -> store.commit(s, 99, crc(content)));
    assertFails(ErrorCode.NOT_FOUND, () -> store.stat(id));
  }

  @Test
  void chunksOutOfOrderOrTwiceOrOverTheLimitAreRefused() throws Exception {
    String s = store.begin(id("order"), -1);
    store.append(s, 0, ByteBuffer.wrap(new byte[10]));
    assertFails(ErrorCode.INVALID_ARGUMENT, () -> store.append(s, 0, ByteBuffer.wrap(new byte[10])));
    assertFails(ErrorCode.INVALID_ARGUMENT, () -> store.append(s, 11, ByteBuffer.wrap(new byte[10])));
    assertFails(ErrorCode.INVALID_ARGUMENT, () -> store.append(s, 10, ByteBuffer.allocate(1024 * 1024 + 1)));
    store.append(s, 10, ByteBuffer.wrap(new byte[5]));
    assertThat(store.commit(s, 15, crc(new byte[15])).length()).isEqualTo(15);
  }

  @Test
  void unknownSessionsAreNotFoundAndAbortingThemIsHarmless() {
    assertFails(ErrorCode.NOT_FOUND, () -> store.append("no-such-session", 0, ByteBuffer.allocate(1)));
    assertFails(ErrorCode.NOT_FOUND, () -> store.commit("no-such-session", 0, 0));
    store.abort("no-such-session");
  }

  @Test
  void aCommittedIdIsNeverWrittenAgain() throws Exception {
    ObjectId id = id("once");
    byte[] first = randomBytes(3, 1000);
    String racer = store.begin(id, -1);
    put(store, id, first, CHUNK);
    assertFails(ErrorCode.ALREADY_EXISTS, () -> store.begin(id, -1));
    // a session opened before the first commit loses at commit time, and leaves the object untouched
    byte[] second = randomBytes(4, 1000);
    store.append(racer, 0, ByteBuffer.wrap(second));
    assertFails(ErrorCode.ALREADY_EXISTS, () -> store.commit(racer, second.length, crc(second)));
    assertThat(readAll(store, id, CHUNK)).isEqualTo(first);
    assertThat(filesIn(dataDir.resolve("tmp"))).isZero();
  }

  @Test
  void deleteLeavesADurableTombstoneSoTheIdIsNeverResurrected() throws Exception {
    ObjectId id = id("doomed");
    put(store, id, randomBytes(5, 2000), CHUNK);
    ObjectMeta tomb = store.delete(id);
    assertThat(tomb.tombstone()).isTrue();
    assertThat(tomb.length()).isZero();
    assertThat(store.presence(id)).isEqualTo(Presence.DELETED);
    assertThat(store.stat(id)).isEqualTo(tomb);
    assertFails(ErrorCode.NOT_FOUND, () -> store.read(id, 0, 10));
    assertThatThrownBy(() -> store.begin(id, -1)).hasMessageContaining("never reused");
    assertThat(store.delete(id)).as("deleting twice changes nothing").isEqualTo(tomb);

    store.stopAsync().awaitTerminated();
    store = open(StoreConfig.defaults(dataDir).withReserveBytes(0));
    assertThat(store.presence(id)).isEqualTo(Presence.DELETED);
  }

  @Test
  void deletingAnAbsentIdRecordsATombstone() throws Exception {
    ObjectId id = id("never-written");
    assertThat(store.presence(id)).isEqualTo(Presence.ABSENT);
    store.delete(id);
    assertThat(store.presence(id)).isEqualTo(Presence.DELETED);
    assertFails(ErrorCode.ALREADY_EXISTS, () -> store.begin(id, -1));
  }

  @Test
  void aFlippedContentByteFailsTheReadAndTheObjectIsQuarantined() throws Exception {
    ObjectId id = id("rotting");
    byte[] content = randomBytes(6, 200_000);
    put(store, id, content, CHUNK);
    ObjectId healthy = id("healthy");
    put(store, healthy, content, CHUNK);
    flipByte(objectFile(id), 150_000);

    // a read of a range away from the flipped byte still succeeds: only touched blocks are read
    assertThat(toArray(store.read(id, 0, 1000))).isEqualTo(Arrays.copyOf(content, 1000));
    assertFails(ErrorCode.CHECKSUM_MISMATCH, () -> store.read(id, 140_000, 20_000));
    assertFails(ErrorCode.NOT_FOUND, () -> store.read(id, 0, 1000));
    assertThat(store.presence(id)).isEqualTo(Presence.ABSENT);
    assertThat(filesIn(dataDir.resolve("quarantine"))).isEqualTo(1);
    assertThat(store.status().quarantined()).isEqualTo(1);
    assertThat(readAll(store, healthy, CHUNK)).isEqualTo(content);
  }

  @Test
  void aReaderThatFoundAnObjectCorruptDoesNotQuarantineTheTombstoneADeleteInstalledMeanwhile() throws Exception {
    ObjectId id = id("deleted-while-read");
    byte[] content = randomBytes(9, 200_000);
    put(store, id, content, CHUNK);
    ObjectFileFormat.Trailer seen;
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(objectFile(id))) {
      seen = ObjectFileReader.readTrailer(ch);
    }
    // the reader saw this object damaged; before it quarantines, a delete replaces the object with a tombstone
    store.delete(id);
    store.quarantine(id, seen, "a block failed its checksum");
    assertThat(store.presence(id)).as("the tombstone stays").isEqualTo(Presence.DELETED);
    assertThat(filesIn(dataDir.resolve("quarantine"))).isZero();

    ObjectId other = id("damaged");
    put(store, other, content, CHUNK);
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(objectFile(other))) {
      seen = ObjectFileReader.readTrailer(ch);
    }
    store.quarantine(other, seen, "a block failed its checksum");
    assertThat(store.presence(other)).as("the very file found damaged is set aside").isEqualTo(Presence.ABSENT);
    assertThat(filesIn(dataDir.resolve("quarantine"))).isEqualTo(1);
  }

  @Test
  void aFlippedTrailerOrTableByteOrATruncatedFileIsDetected() throws Exception {
    byte[] content = randomBytes(8, 100_000);
    ObjectId trailer = id("bad-trailer");
    ObjectId table = id("bad-table");
    ObjectId truncated = id("truncated");
    for (ObjectId id : new ObjectId[] {trailer, table, truncated}) {
      put(store, id, content, CHUNK);
    }
    flipByte(objectFile(trailer), Files.size(objectFile(trailer)) - 20);
    flipByte(objectFile(table), content.length + 1);
    try (var ch = java.nio.channels.FileChannel.open(objectFile(truncated), java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(content.length);
    }
    assertFails(ErrorCode.CHECKSUM_MISMATCH, () -> store.stat(trailer));
    assertFails(ErrorCode.CHECKSUM_MISMATCH, () -> store.read(table, 0, 100_000));
    assertFails(ErrorCode.CHECKSUM_MISMATCH, () -> store.read(truncated, 0, 10));
  }

  @Test
  void anIdleSessionExpiresAndItsBytesAreRemoved() throws Exception {
    String s = store.begin(id("slow"), -1);
    store.append(s, 0, ByteBuffer.wrap(new byte[1000]));
    ticker.advance(Duration.ofSeconds(59));
    assertThat(store.expireIdleSessions()).isZero();
    store.append(s, 1000, ByteBuffer.wrap(new byte[1000]));
    ticker.advance(Duration.ofSeconds(61));
    assertThat(store.expireIdleSessions()).isEqualTo(1);
    assertFails(ErrorCode.NOT_FOUND, () -> store.append(s, 2000, ByteBuffer.wrap(new byte[1])));
    assertThat(filesIn(dataDir.resolve("tmp"))).isZero();
    assertThat(store.status().openSessions()).isZero();
  }

  @Test
  void startupRemovesLeftoversOfInterruptedWrites() throws Exception {
    put(store, id("keeper"), randomBytes(9, 10), CHUNK);
    store.stopAsync().awaitTerminated();
    Files.write(dataDir.resolve("tmp").resolve("0b1c-interrupted.data"), new byte[4096]);
    Files.write(dataDir.resolve("tmp").resolve("0b1c-interrupted.blocks"), new byte[4]);
    store = open(StoreConfig.defaults(dataDir).withReserveBytes(0));
    assertThat(filesIn(dataDir.resolve("tmp"))).isZero();
    assertThat(readAll(store, id("keeper"), CHUNK)).isEqualTo(randomBytes(9, 10));
  }

  @Test
  void writesAreRefusedAsStorageFullBeforeTheReserveIsReached() throws Exception {
    long usable = store.status().usableBytes();
    store.stopAsync().awaitTerminated();
    store = open(StoreConfig.defaults(dataDir).withReserveBytes(usable - 10 * 1024 * 1024));
    assertFails(ErrorCode.STORAGE_FULL, () -> store.begin(id("too-big"), 100L * 1024 * 1024));
    String s = store.begin(id("small"), -1);
    store.append(s, 0, ByteBuffer.wrap(new byte[1000]));
    store.stopAsync().awaitTerminated();
    store = open(StoreConfig.defaults(dataDir).withReserveBytes(usable + (1L << 30)));
    assertFails(ErrorCode.STORAGE_FULL, () -> store.begin(id("anything"), -1));
    assertThatThrownBy(() -> store.begin(id("anything"), 0)).hasMessageContaining("reserve");
  }

  @Test
  void aSecondStoreCannotOpenADirectoryInUse() {
    FileObjectStore second = new FileObjectStore(StoreConfig.defaults(dataDir), Clock.systemUTC(), ticker);
    assertThatThrownBy(() -> second.startAsync().awaitRunning()).isInstanceOf(IllegalStateException.class);
    assertThat(second.failureCause()).hasMessageContaining("in use");
  }

  @Test
  void aFileInPlaceOfTheDataDirectoryIsReportedClearly() throws IOException {
    Path notADir = Files.write(dataDir.resolve("plain-file"), new byte[1]);
    FileObjectStore s = new FileObjectStore(StoreConfig.defaults(notADir), Clock.systemUTC(), ticker);
    assertThatThrownBy(() -> s.startAsync().awaitRunning()).isInstanceOf(IllegalStateException.class);
    assertThat(s.failureCause()).hasMessageContaining("is not a directory");
  }

  @Test
  void callsBeforeStartOrAfterStopAreUnavailable() {
    FileObjectStore idle = new FileObjectStore(StoreConfig.defaults(dataDir.resolve("x")), Clock.systemUTC(), ticker);
    assertFails(ErrorCode.UNAVAILABLE, () -> idle.stat(id("a")));
    store.stopAsync().awaitTerminated();
    assertFails(ErrorCode.UNAVAILABLE, () -> store.begin(id("a"), -1));
  }

  private Path objectFile(ObjectId id) {
    return new FanoutLayout(dataDir.resolve("objects")).pathOf(id);
  }

  static void flipByte(Path file, long position) throws IOException {
    try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ,
        java.nio.file.StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, position);
      b.put(0, (byte) (b.get(0) ^ 0x5a));
      b.rewind();
      ch.write(b, position);
    }
  }

  static long filesIn(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }

  static byte[] toArray(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.duplicate().get(a);
    return a;
  }
}
