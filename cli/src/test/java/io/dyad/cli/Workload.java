package io.dyad.cli;

import io.dyad.client.DyadClient;
import io.dyad.common.ObjectId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Steady client load while a test breaks things: writers put new objects, readers read acknowledged ones back
 * and check them. Every failed client request is recorded, with the longest time any one request took.
 */
final class Workload implements AutoCloseable {
  private final ExecutorService threads;
  private final AtomicBoolean running = new AtomicBoolean(true);
  final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  final AtomicLong writes = new AtomicLong();
  final AtomicLong reads = new AtomicLong();
  final AtomicLong longestNanos = new AtomicLong();

  Workload(DyadClient client, Acked acked, int writers, int readers, long seedBase) {
    threads = Executors.newFixedThreadPool(writers + readers);
    AtomicLong seeds = new AtomicLong(seedBase);
    for (int w = 0; w < writers; w++) {
      threads.submit(() -> {
        while (running.get()) {
          long started = System.nanoTime();
          long seed = seeds.incrementAndGet();
          try {
            acked.put(client, seed);
            writes.incrementAndGet();
          } catch (Throwable e) {
            failures.add("put of seed " + seed + ": " + e);
          }
          longestNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
        }
      });
    }
    for (int r = 0; r < readers; r++) {
      threads.submit(() -> {
        while (running.get()) {
          List<ObjectId> ids = new ArrayList<>(acked.objects.keySet());
          if (ids.isEmpty()) {
            continue;
          }
          ObjectId id = ids.get((int) (Math.random() * ids.size()));
          long started = System.nanoTime();
          try {
            acked.verify(client, id);
            reads.incrementAndGet();
          } catch (Throwable e) {
            failures.add("get of " + id + ": " + e);
          }
          longestNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
        }
      });
    }
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    threads.shutdown();
    if (!threads.awaitTermination(120, TimeUnit.SECONDS)) {
      threads.shutdownNow();
      throw new IllegalStateException("workload did not stop");
    }
  }
}
