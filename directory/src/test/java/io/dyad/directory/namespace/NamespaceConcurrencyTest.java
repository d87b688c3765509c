package io.dyad.directory.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.directory.api.FsPath;
import io.dyad.thrift.ChangeOp;
import io.dyad.thrift.CreateVolume;
import io.dyad.thrift.Mkdir;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readers run at once with each other and with a writer (a directory server serves many connections). */
class NamespaceConcurrencyTest {
  @TempDir Path dir;

  @Test
  void concurrentReadersAndAWriterNeverSeeACorruptRecord() throws Exception {
    NamespaceStore store = new NamespaceStore(dir.resolve("ns"));
    store.startAsync().awaitRunning();
    try {
      store.decideAndApply("v", v -> ChangeOp.createVolume(new CreateVolume(1, 1000)));
      for (int i = 0; i < 200; i++) {
        int n = i;
        store.decideAndApply("v", v -> ChangeOp.mkdir(new Mkdir("/d" + n, false, v.get().getNextInode(), n)));
      }
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicInteger reads = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(6);
      List<Future<?>> done = new ArrayList<>();
      done.add(pool.submit(() -> {
        for (int i = 200; i < 700; i++) {
          int n = i;
          store.decideAndApply("v", v -> ChangeOp.mkdir(new Mkdir("/d" + n, false, v.get().getNextInode(), n)));
        }
        writing.set(false);
        return null;
      }));
      for (int t = 0; t < 5; t++) {
        int seed = t;
        done.add(pool.submit(() -> {
          int i = seed;
          while (writing.get() || reads.get() < 2000) {
            assertThat(store.stat("v", FsPath.of("/d" + (i % 200))).getName()).isEqualTo("d" + (i % 200));
            assertThat(store.list("v", FsPath.ROOT, "", 50).entries()).hasSize(50);
            reads.incrementAndGet();
            i += 7;
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(); // a corrupt decode fails the reader with an exception here
      }
      pool.shutdown();
      assertThat(store.list("v", FsPath.ROOT, "", 10_000).entries()).hasSize(700);
    } finally {
      store.stopAsync().awaitTerminated();
    }
  }
}
