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
import io.dyad.common.Presence;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small objects through the write journal: acknowledged once journaled, restored after a crash, never torn. */
class GroupCommitTest {
  @TempDir Path dataDir;
  private FileObjectStore store;

  private FileObjectStore open() {
    return StoreFixture.openStore(dataDir);
  }

  @AfterEach
  void stop() {
    if (store != null && store.isRunning()) {
      store.stopAsync().awaitTerminated();
    }
  }

  @Test
  void concurrentSmallWritesAllLandAndTheJournalIsCheckpointedAway() throws Exception {
    store = open();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int thread = t;
      done.add(pool.submit(() -> {
        for (int i = 0; i < 100; i++) {
          byte[] content = randomBytes(thread * 1000L + i, 100 + i * 37);
          ObjectId id = id(String.format("obj-%d-%d", thread, i));
          if (i % 2 == 0) {
            store.write(id, ByteBuffer.wrap(content), crc(content), List.of());
          } else {
            put(store, id, content, 1000);
          }
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    store.checkpointJournal();
    for (int t = 0; t < 8; t++) {
      for (int i = 0; i < 100; i++) {
        byte[] content = randomBytes(t * 1000L + i, 100 + i * 37);
        assertThat(readAll(store, id(String.format("obj-%d-%d", t, i)), 4096)).isEqualTo(content);
      }
    }
    assertThat(journalBytes()).as("after a checkpoint the journal holds nothing").isZero();
  }

  @Test
  void aCrashBeforeTheCheckpointIsRepairedFromTheJournalBeforeTheStoreServes() throws Exception {
    byte[] intact = randomBytes(1, 5000);
    byte[] damaged = randomBytes(2, 70_000);
    byte[] missing = randomBytes(3, 300);
    byte[] deletedLater = randomBytes(4, 800);
    byte[] torn = randomBytes(5, 900);
    FanoutLayout layout = new FanoutLayout(dataDir.resolve("objects"));
    Files.createDirectories(dataDir.resolve("objects"));
    // what a machine crash leaves: records on disk, their files missing, torn or replaced by a tombstone since
    WriteJournal journal = WriteJournal.open(dataDir.resolve("journal"));
    for (var e : List.of(entry("intact", intact), entry("damaged", damaged), entry("missing", missing),
        entry("deleted-later", deletedLater))) {
      journal.append(e.id(), e.image()).installed(null);
    }
    journal.close();
    install(layout, "intact", image(intact));
    ByteBuffer half = image(damaged).limit(40_000);
    install(layout, "damaged", half);
    install(layout, "deleted-later", new ObjectFileFormat.Trailer(true, 0, 0, 1, 0).encode());
    appendTornRecord(id("torn"), image(torn));

    store = open();
    assertThat(readAll(store, id("intact"), 4096)).isEqualTo(intact);
    assertThat(readAll(store, id("damaged"), 4096)).isEqualTo(damaged);
    assertThat(readAll(store, id("missing"), 4096)).isEqualTo(missing);
    assertThat(store.presence(id("deleted-later"))).as("no resurrected delete").isEqualTo(Presence.DELETED);
    assertThat(store.presence(id("torn"))).as("a torn record was never acknowledged").isEqualTo(Presence.ABSENT);
    assertThat(journalBytes()).as("replayed segments are gone").isZero();
  }

  @Test
  void aSingleCallWriteChecksItsBytesAndRefusesAnExistingId() throws Exception {
    store = open();
    byte[] content = randomBytes(9, 1234);
    assertThatThrownBy(() -> store.write(id("bad-crc"), ByteBuffer.wrap(content), crc(content) ^ 1, List.of()))
        .isInstanceOf(DyadException.class)
        .satisfies(e -> assertThat(((DyadException) e).code()).isEqualTo(ErrorCode.CHECKSUM_MISMATCH));
    assertThat(store.presence(id("bad-crc"))).isEqualTo(Presence.ABSENT);
    store.write(id("once"), ByteBuffer.wrap(content), crc(content), List.of("b1"));
    assertThatThrownBy(() -> store.write(id("once"), ByteBuffer.wrap(content), crc(content), List.of()))
        .satisfies(e -> assertThat(((DyadException) e).code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    assertThat(store.hints("b1", "", 10).ids()).containsExactly(id("once"));
    byte[] big = randomBytes(10, 600_000); // above the journal's limit: fsynced on its own
    store.write(id("big"), ByteBuffer.wrap(big), crc(big), List.of());
    assertThat(readAll(store, id("big"), 1 << 20)).isEqualTo(big);
  }

  @Test
  void aSegmentIsDueForACheckpointOnceOldEnoughOnTheJournalsTickerOrLargeEnough() throws Exception {
    FakeTicker ticker = new FakeTicker();
    WriteJournal journal = WriteJournal.open(dataDir.resolve("journal"), ticker);
    Duration age = Duration.ofSeconds(30);
    assertThat(journal.due(age.toNanos(), 1 << 20)).as("an empty segment is never due").isFalse();
    ticker.advance(age.multipliedBy(2));
    assertThat(journal.due(age.toNanos(), 1 << 20)).as("still empty").isFalse();

    journal.append(id("one"), image(randomBytes(11, 100))).installed(null);
    ticker.advance(age.minusNanos(1));
    assertThat(journal.due(age.toNanos(), 1 << 20)).as("its age counts from its creation").isTrue();
    journal.checkpoint(installed -> { });
    journal.append(id("two"), image(randomBytes(12, 100))).installed(null);
    ticker.advance(age.minusNanos(1));
    assertThat(journal.due(age.toNanos(), 1 << 20)).as("a new segment, not old enough yet").isFalse();
    assertThat(journal.due(age.toNanos(), 100)).as("but larger than the limit").isTrue();
    ticker.advance(Duration.ofNanos(1));
    assertThat(journal.due(age.toNanos(), 1 << 20)).as("old enough now").isTrue();
    journal.close();
  }

  private static WriteJournal.Entry entry(String id, byte[] content) {
    return new WriteJournal.Entry(id(id), image(content));
  }

  private static ByteBuffer image(byte[] content) {
    return ObjectImage.of(ByteBuffer.wrap(content), crc(content), 1_000L);
  }

  private static void install(FanoutLayout layout, String id, ByteBuffer bytes) throws IOException {
    Path target = layout.pathOf(id(id));
    Files.createDirectories(target.getParent());
    try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ch.write(bytes.duplicate());
    }
  }

  /** A second segment whose only record stops half way, as a crash during its write leaves it. */
  private void appendTornRecord(ObjectId id, ByteBuffer image) throws IOException {
    Path dir = dataDir.resolve("journal");
    WriteJournal j = WriteJournal.open(dir);
    j.append(id, image).installed(null);
    j.close();
    Path segment;
    try (Stream<Path> s = Files.list(dir)) {
      segment = s.sorted().reduce((a, b) -> b).orElseThrow();
    }
    long recordBytes = 12 + 2 + id.value().length() + image.remaining();
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.truncate(recordBytes / 2);
    }
  }

  private long journalBytes() throws IOException {
    return StoreFixture.journalBytes(dataDir);
  }
}
