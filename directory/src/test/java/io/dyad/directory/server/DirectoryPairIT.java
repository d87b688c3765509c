package io.dyad.directory.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.thrift.Applied;
import io.dyad.thrift.BindFile;
import io.dyad.thrift.ChangeOp;
import io.dyad.thrift.CreateVolume;
import io.dyad.thrift.EntryType;
import io.dyad.thrift.Inode;
import io.dyad.thrift.Mkdir;
import io.dyad.thrift.Remove;
import io.dyad.thrift.Rename;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory pair on real ZooKeeper, a real coordinator, real Thrift sockets and RocksDB: one order on both
 * directories, failover to the duplicate, catch-up from the log and from a snapshot, failback — and after each, every
 * acknowledged change on both, and both directories identical (digest).
 */
class DirectoryPairIT {
  private static final String VOL = "home";

  @TempDir Path dir;
  private DirectoryPair pair;

  @BeforeEach
  void start() throws Exception {
    pair = new DirectoryPair(dir);
    pair.start(DirectoryPair.A);
    pair.start(DirectoryPair.B);
    pair.awaitServing(DirectoryPair.A, DirectoryPair.B);
    pair.submit(VOL, ChangeOp.createVolume(new CreateVolume(0, 60_000)));
  }

  @AfterEach
  void stop() throws Exception {
    pair.close();
  }

  private static ChangeOp mkdir(String path) {
    return ChangeOp.mkdir(new Mkdir(path, false, 0, 0));
  }

  private void assertIdentical() throws DyadException {
    assertThat(pair.client(DirectoryPair.B).digest(VOL)).as("both directories hold the same volume")
        .isEqualTo(pair.client(DirectoryPair.A).digest(VOL));
  }

  @Test
  void theDuplicateHoldsEveryChangeThePrimaryAcknowledgesAndTakesNoWritesItself() throws Exception {
    assertThat(pair.primary()).as("the first member orders a new pair's changes").isEqualTo(DirectoryPair.A);
    pair.submit(VOL, mkdir("/docs"));
    Applied file = pair.submit(VOL, ChangeOp.bindFile(new BindFile("/docs/a.txt", "obj-1", 5, 42, 0, 0)));
    assertThat(file.getInode().getType()).isEqualTo(EntryType.FILE);
    pair.submit(VOL, ChangeOp.rename(new Rename("/docs", "/papers", 0)));
    pair.submit(VOL, ChangeOp.remove(new Remove("/papers/a.txt", false, 0)));
    assertThatThrownBy(() -> pair.submit(VOL, mkdir("/papers"))).isInstanceOfSatisfying(DyadException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));

    Inode onDuplicate = pair.client(DirectoryPair.B).stat(VOL, "/papers", pair.view.current().epoch());
    assertThat(onDuplicate).isEqualTo(pair.client(DirectoryPair.A).stat(VOL, "/papers", 0));
    assertIdentical();
    assertThatThrownBy(() -> pair.client(DirectoryPair.B).submit(VOL, mkdir("/x"), pair.view.current().epoch(), ""))
        .isInstanceOfSatisfying(DyadException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
          assertThat(e.getMessage()).contains("not the primary");
        });
    assertThat(pair.client(DirectoryPair.A).status().getRole()).isEqualTo("PRIMARY");
    assertThat(pair.client(DirectoryPair.B).status().getRole()).isEqualTo("DUPLICATE");
  }

  /** Keeps making directories through whichever member is primary; records every acknowledged one. */
  private final class Writer implements AutoCloseable {
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    final AtomicInteger refused = new AtomicInteger();
    final AtomicLong longestGapMillis = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread = new Thread(this::run, "writer");

    Writer() {
      thread.start();
    }

    private void run() {
      int i = 0;
      long lastAck = System.nanoTime();
      while (running.get()) {
        String path = "/w" + i;
        try {
          pair.submit(VOL, mkdir(path), "mkdir-" + i); // the same id on every try: never applied twice
          acknowledged.add(path);
          i++;
        } catch (DyadException e) {
          refused.incrementAndGet();
          java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
          continue;
        }
        long now = System.nanoTime();
        longestGapMillis.accumulateAndGet((now - lastAck) / 1_000_000, Math::max);
        lastAck = now;
      }
    }

    void awaitMore(int n) {
      int target = acknowledged.size() + n;
      await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= target);
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join();
    }
  }

  private void assertEveryAcknowledgedChangeOnBoth(Set<String> acknowledged) throws DyadException {
    for (String member : List.of(DirectoryPair.A, DirectoryPair.B)) {
      for (String path : acknowledged) {
        assertThat(pair.member(member).store().stat(VOL, io.dyad.directory.api.FsPath.of(path)).getType())
            .as("%s on %s", path, member).isEqualTo(EntryType.DIRECTORY);
      }
    }
  }

  @Test
  void aStoppedDuplicateIsFailedOverCatchesUpFromTheLogAndFailsBack() throws Exception {
    try (Writer writer = new Writer()) {
      writer.awaitMore(50);
      pair.stop(DirectoryPair.B);
      writer.awaitMore(100); // after failover the primary goes on alone
      pair.start(DirectoryPair.B);
      pair.awaitServing(DirectoryPair.B);
      writer.awaitMore(50);
      writer.close();
      assertThat(pair.primary()).as("failback does not move the primary").isEqualTo(DirectoryPair.A);
      assertEveryAcknowledgedChangeOnBoth(writer.acknowledged);
      assertIdentical();
    }
  }

  @Test
  void whenThePrimaryStopsTheDuplicateTakesOverAndTheOldPrimaryReturnsAsDuplicate() throws Exception {
    try (Writer writer = new Writer()) {
      writer.awaitMore(50);
      pair.stop(DirectoryPair.A);
      writer.awaitMore(100);
      assertThat(pair.primary()).isEqualTo(DirectoryPair.B);
      pair.start(DirectoryPair.A);
      pair.awaitServing(DirectoryPair.A);
      writer.awaitMore(50);
      writer.close();
      assertThat(pair.primary()).as("the member that served on stays primary").isEqualTo(DirectoryPair.B);
      assertEveryAcknowledgedChangeOnBoth(writer.acknowledged);
      assertIdentical();
    }
  }

  @Test
  void aPairInsideOneCenterKeepsOneOrderAndFailsOverAsWell() throws Exception {
    pair.close();
    pair = new DirectoryPair(dir.resolve("one-center"), true);
    pair.start(DirectoryPair.A);
    pair.start(DirectoryPair.B);
    pair.awaitServing(DirectoryPair.A, DirectoryPair.B);
    assertThat(pair.view.current().members().get(DirectoryPair.B).center()).isEqualTo("A");
    pair.submit(VOL, ChangeOp.createVolume(new CreateVolume(0, 60_000)));
    try (Writer writer = new Writer()) {
      writer.awaitMore(50);
      pair.stop(DirectoryPair.A);
      writer.awaitMore(50);
      pair.start(DirectoryPair.A);
      pair.awaitServing(DirectoryPair.A);
      writer.awaitMore(50);
      writer.close();
      assertEveryAcknowledgedChangeOnBoth(writer.acknowledged);
      assertIdentical();
    }
  }

  @Test
  void aWipedDirectoryWhoseChangesWereTrimmedIsRebuiltFromASnapshot() throws Exception {
    for (int i = 0; i < 200; i++) {
      pair.submit(VOL, mkdir("/before" + i));
    }
    pair.stop(DirectoryPair.B);
    pair.wipe(DirectoryPair.B);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> pair.submit(VOL, mkdir("/alone")));
    for (int i = 0; i < 50; i++) {
      pair.submit(VOL, mkdir("/alone" + i));
    }
    long first = pair.member(DirectoryPair.A).store().trimLog(VOL, 20);
    assertThat(first).as("the log no longer holds the volume's start").isGreaterThan(200);

    pair.start(DirectoryPair.B);
    pair.awaitServing(DirectoryPair.B);
    pair.submit(VOL, mkdir("/after"));
    assertIdentical();
    assertThat(pair.member(DirectoryPair.B).store().stat(VOL, io.dyad.directory.api.FsPath.of("/before0")).getType())
        .isEqualTo(EntryType.DIRECTORY);
    assertThat(pair.member(DirectoryPair.B).store().volume(VOL).orElseThrow().getLastSeq())
        .isEqualTo(pair.member(DirectoryPair.A).store().volume(VOL).orElseThrow().getLastSeq());
  }
}
