package io.dyad.node.server;

import static io.dyad.node.server.StorageNodeServerIT.crc;
import static io.dyad.node.server.StorageNodeServerIT.get;
import static io.dyad.node.server.StorageNodeServerIT.random;
import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.rpc.StorageNodeClient;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many writers and readers on one node at once: nobody sees anybody else's bytes. */
class ConcurrentClientsIT {
  @TempDir Path dataDir;

  @Test
  void writersAndReadersAtOnceDoNotInterfere() throws Exception {
    try (NodeHarness node = NodeHarness.start(dataDir)) {
      int writers = 8;
      int perWriter = 20;
      Map<ObjectId, Integer> acked = new ConcurrentHashMap<>();
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicInteger verifiedReads = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(writers + 4);
      List<Future<?>> writerTasks = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        writerTasks.add(pool.submit(() -> {
          try (StorageNodeClient c = node.client()) {
            for (int i = 0; i < perWriter; i++) {
              long seed = writer * 1000L + i;
              byte[] content = random(seed, (int) (seed * 7919 % 400_000));
              ObjectId id = ObjectId.of("w" + writer + "-" + i);
              c.put(id, new ByteArrayInputStream(content), content.length);
              acked.put(id, (int) seed);
            }
          }
          return null;
        }));
      }
      List<Future<?>> readerTasks = new ArrayList<>();
      for (int r = 0; r < 4; r++) {
        readerTasks.add(pool.submit(() -> {
          try (StorageNodeClient c = node.client()) {
            while (writing.get()) {
              for (Map.Entry<ObjectId, Integer> e : acked.entrySet()) {
                long seed = e.getValue();
                byte[] expected = random(seed, (int) (seed * 7919 % 400_000));
                assertThat(get(c, e.getKey())).isEqualTo(expected);
                verifiedReads.incrementAndGet();
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> f : writerTasks) {
        f.get(120, TimeUnit.SECONDS);
      }
      writing.set(false);
      for (Future<?> f : readerTasks) {
        f.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertThat(acked).hasSize(writers * perWriter);
      assertThat(verifiedReads.get()).isPositive();
      try (StorageNodeClient c = node.client()) {
        for (Map.Entry<ObjectId, Integer> e : acked.entrySet()) {
          long seed = e.getValue();
          byte[] expected = random(seed, (int) (seed * 7919 % 400_000));
          assertThat(c.stat(e.getKey()).crc32c()).isEqualTo(crc(expected));
        }
      }
    }
  }

  @Test
  void racingWritersOfOneIdProduceExactlyOneWinnerAndNoMixedBytes() throws Exception {
    try (NodeHarness node = NodeHarness.start(dataDir)) {
      int racers = 6;
      ObjectId contested = ObjectId.of("contested");
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(racers);
      List<Future<Integer>> results = new ArrayList<>();
      for (int r = 0; r < racers; r++) {
        int racer = r;
        results.add(pool.submit(() -> {
          byte[] content = random(racer, 300_000);
          try (StorageNodeClient c = node.client()) {
            go.await();
            c.put(contested, new ByteArrayInputStream(content), content.length);
            return racer;
          } catch (DyadException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
            return -1;
          }
        }));
      }
      go.countDown();
      List<Integer> winners = new ArrayList<>();
      for (Future<Integer> f : results) {
        int v = f.get(60, TimeUnit.SECONDS);
        if (v >= 0) {
          winners.add(v);
        }
      }
      pool.shutdown();
      assertThat(winners).hasSize(1);
      try (StorageNodeClient c = node.client()) {
        assertThat(get(c, contested)).isEqualTo(random(winners.get(0), 300_000));
      }
    }
  }
}
