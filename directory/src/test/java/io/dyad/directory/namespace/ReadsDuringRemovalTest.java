package io.dyad.directory.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.directory.api.FsPath;
import io.dyad.thrift.Change;
import io.dyad.thrift.ChangeOp;
import io.dyad.thrift.CreateVolume;
import io.dyad.thrift.Mkdir;
import io.dyad.thrift.Remove;
import io.dyad.thrift.Rename;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads that race the removal or the move of a big tree (a wide directory and a deep one, each gone in one change)
 * see the tree wholly before or wholly after the change: {@code stat} and paged {@code list} answer, or say NotFound,
 * and never fail inside (an entry naming an inode already removed).
 */
class ReadsDuringRemovalTest {
  private static final String VOL = "v";
  private static final int WIDE = 300;
  private static final int DEEP = 100;
  private static final int ROUNDS = 40;

  @TempDir Path dir;
  private NamespaceStore store;
  private long time;

  @BeforeEach
  void start() throws Exception {
    store = new NamespaceStore(dir.resolve("ns"));
    store.startAsync().awaitRunning();
    store.decideAndApply(VOL, v -> ChangeOp.createVolume(new CreateVolume(1, 60_000)));
  }

  @AfterEach
  void stop() {
    store.stopAsync().awaitTerminated();
  }

  private static String deepPath(String top) {
    StringBuilder p = new StringBuilder(top).append("/deep");
    for (int i = 0; i < DEEP; i++) {
      p.append("/d").append(i);
    }
    return p.toString();
  }

  /** Makes /big, with {@code WIDE} directories in /big/wide and a chain {@code DEEP} long, in one durable write. */
  private void buildBigTree() throws DyadException {
    List<NamespaceStore.Decision> decisions = new ArrayList<>();
    decisions.add(v -> mkdir(deepPath("/big"), v.orElseThrow().getNextInode()));
    for (int i = 0; i < WIDE; i++) {
      String path = String.format("/big/wide/e%04d", i);
      decisions.add(v -> mkdir(path, v.orElseThrow().getNextInode()));
    }
    List<Change> changes = store.prepareAll(VOL, decisions).stream().map(NamespaceStore.Prepared::change).toList();
    store.applyInOrder(VOL, changes);
  }

  private ChangeOp mkdir(String path, long firstInode) {
    return ChangeOp.mkdir(new Mkdir(path, true, firstInode, ++time));
  }

  @Test
  void statAndPagedListsRacingTheRemovalAndMoveOfBigTreesNeverFailInside() throws Exception {
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong found = new AtomicLong();
    AtomicLong gone = new AtomicLong();
    Map<String, DyadException> failures = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      buildBigTree();
      List<Future<?>> done = new ArrayList<>();
      done.add(pool.submit(() -> {
        try {
          for (int round = 0; round < ROUNDS; round++) {
            store.decideAndApply(VOL, v -> ChangeOp.rename(new Rename("/big", "/old", ++time)));
            store.decideAndApply(VOL, v -> ChangeOp.remove(new Remove("/old", true, ++time)));
            buildBigTree();
          }
        } finally {
          writing.set(false);
        }
        return null;
      }));
      for (String top : List.of("/big", "/old")) {
        done.add(pool.submit(() -> {
          while (writing.get()) {
            read(() -> store.stat(VOL, FsPath.of(deepPath(top))), found, gone, failures);
            read(() -> listAll(top + "/wide"), found, gone, failures);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(failures).as("reads that failed inside the directory").isEmpty();
    assertThat(found.get()).as("reads that found the tree").isPositive();
    assertThat(gone.get()).as("reads that found it gone").isPositive();
  }

  /** Lists a directory in pages of 7, as a client does; the directory may vanish between pages. */
  private int listAll(String path) throws DyadException {
    int n = 0;
    String after = "";
    while (true) {
      NamespaceStore.ListPage page = store.list(VOL, FsPath.of(path), after, 7);
      n += page.entries().size();
      if (page.next().isEmpty()) {
        return n;
      }
      after = page.next().get();
    }
  }

  @FunctionalInterface
  private interface Read {
    Object run() throws DyadException;
  }

  private static void read(Read r, AtomicLong found, AtomicLong gone, Map<String, DyadException> failures) {
    try {
      r.run();
      found.incrementAndGet();
    } catch (DyadException e) {
      if (e.code() == ErrorCode.NOT_FOUND) {
        gone.incrementAndGet();
      } else {
        failures.putIfAbsent(e.getMessage(), e);
      }
    }
  }
}
