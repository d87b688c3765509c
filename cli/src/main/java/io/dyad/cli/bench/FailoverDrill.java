package io.dyad.cli.bench;

import io.dyad.cli.LocalCluster;
import io.dyad.client.ClientConfig;
import io.dyad.client.DyadClient;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.coordinator.view.ClusterView;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * Kills one storage node process (SIGKILL) while writers and readers run, and measures what clients saw:
 * failed operations, the longest time any read or write took, and how long until failover was declared. Then
 * reads every acknowledged object back and checks its CRC32C.
 */
final class FailoverDrill {
  record Result(String killed, long puts, long gets, List<String> failures, long longestReadMillis,
      long longestWriteMillis, long declaredAfterMillis, long verified, boolean allVerified) {}

  private static final int OBJECT_BYTES = 64 * 1024;

  private final LocalCluster cluster;
  private final ClientConfig clientConfig;
  private final int threads;
  private final Duration after;

  FailoverDrill(LocalCluster cluster, ClientConfig clientConfig, int threads, Duration after) {
    this.cluster = cluster;
    this.clientConfig = clientConfig;
    this.threads = threads;
    this.after = after;
  }

  Result run() throws Exception {
    Map<ObjectId, Integer> acked = new ConcurrentHashMap<>();
    // the readers pick from this list: copying the map's keys for every read took 40% of this JVM's CPU (JFR)
    List<ObjectId> ackedIds = Collections.synchronizedList(new ArrayList<>());
    List<String> failures = new CopyOnWriteArrayList<>();
    AtomicLong puts = new AtomicLong();
    AtomicLong gets = new AtomicLong();
    AtomicLong longestRead = new AtomicLong();
    AtomicLong longestWrite = new AtomicLong();
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(2 * threads);
    String victim = "a1";
    long declaredAfter;
    try (DyadClient client = DyadClient.connect(clientConfig)) {
      for (int t = 0; t < threads; t++) {
        int thread = t;
        pool.submit(() -> {
          Random r = new Random(thread);
          byte[] content = new byte[OBJECT_BYTES];
          while (running.get()) {
            r.nextBytes(content);
            long start = System.nanoTime();
            try {
              ObjectMeta m = client.put(Optional.empty(), () -> new ByteArrayInputStream(content), content.length);
              acked.put(m.id(), m.crc32c());
              ackedIds.add(m.id());
              puts.incrementAndGet();
            } catch (Exception e) {
              failures.add("put: " + e.getMessage());
            }
            longestWrite.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), Math::max);
          }
        });
        pool.submit(() -> {
          Random r = new Random(1000 + thread);
          while (running.get()) {
            int known = ackedIds.size();
            if (known == 0) {
              Thread.onSpinWait();
              continue;
            }
            ObjectId id = ackedIds.get(r.nextInt(known)); // the list only grows: any index below its size is there
            long start = System.nanoTime();
            try {
              client.get(id, com.google.common.io.ByteStreams.nullOutputStream());
              gets.incrementAndGet();
            } catch (Exception e) {
              failures.add("get: " + e.getMessage());
            }
            longestRead.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), Math::max);
          }
        });
      }
      ClusterView view = cluster.view();
      view.await(s -> puts.get() > 50, Duration.ofSeconds(60));
      Process victimProcess = cluster.processes().get(victim);
      long killedAt = System.nanoTime();
      victimProcess.destroyForcibly();
      victimProcess.waitFor(30, TimeUnit.SECONDS);
      view.await(s -> s.failover(victim).isPresent(), Duration.ofSeconds(60));
      declaredAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
      long until = System.nanoTime() + after.toNanos();
      while (System.nanoTime() < until) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
      running.set(false);
      pool.shutdown();
      pool.awaitTermination(60, TimeUnit.SECONDS);
      boolean allOk = true;
      for (Map.Entry<ObjectId, Integer> e : acked.entrySet()) {
        CrcOut sink = new CrcOut();
        ObjectMeta m = client.get(e.getKey(), sink);
        allOk &= m.crc32c() == e.getValue() && sink.crc() == e.getValue();
      }
      return new Result(victim, puts.get(), gets.get(), failures, longestRead.get(), longestWrite.get(), declaredAfter,
          acked.size(), allOk);
    } finally {
      running.set(false);
      pool.shutdownNow();
    }
  }

  private static final class CrcOut extends java.io.OutputStream {
    private final CRC32C crc = new CRC32C();

    @Override
    public void write(int b) {
      crc.update(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      crc.update(b, off, len);
    }

    int crc() {
      return (int) crc.getValue();
    }
  }
}
