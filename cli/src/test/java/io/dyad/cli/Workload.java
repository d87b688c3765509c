package io.dyad.cli;

import io.dyad.client.DyadClient;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Steady client load while a test breaks things: writers put new objects; deleters put objects of their own and
 * delete them; readers read acknowledged objects back and check every byte, and read deleted ones and expect
 * NotFound. Every failed request, every resurrected delete and every NotFound for an acknowledged object is
 * recorded, with the longest time any one request took.
 */
final class Workload implements AutoCloseable {
  private final ExecutorService threads;
  private final AtomicBoolean running = new AtomicBoolean(true);
  final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  final AtomicLong writes = new AtomicLong();
  final AtomicLong reads = new AtomicLong();
  final AtomicLong deletes = new AtomicLong();
  final AtomicLong readsOfDeleted = new AtomicLong();
  final AtomicLong longestNanos = new AtomicLong();

  Workload(DyadClient client, Acked acked, int writers, int readers, long seedBase) {
    this(client, acked, writers, readers, 0, seedBase);
  }

  Workload(DyadClient client, Acked acked, int writers, int readers, int deleters, long seedBase) {
    threads = Executors.newFixedThreadPool(writers + readers + deleters);
    AtomicLong seeds = new AtomicLong(seedBase);
    for (int w = 0; w < writers; w++) {
      threads.submit(() -> {
        while (running.get()) {
          long seed = seeds.incrementAndGet();
          timed("put of seed " + seed, () -> {
            acked.put(client, seed);
            writes.incrementAndGet();
          });
        }
      });
    }
    for (int d = 0; d < deleters; d++) {
      threads.submit(() -> {
        while (running.get()) {
          long seed = seeds.incrementAndGet();
          timed("put and delete of seed " + seed, () -> {
            long length = 1 + ThreadLocalRandom.current().nextInt(32 * 1024);
            ObjectMeta m = client.put(Optional.empty(), () -> Streams.generated(seed, length), length);
            client.delete(m.id());
            acked.deleted.add(m.id());
            deletes.incrementAndGet();
          });
        }
      });
    }
    for (int r = 0; r < readers; r++) {
      threads.submit(() -> {
        while (running.get()) {
          boolean deletedOne = !acked.deleted.isEmpty() && ThreadLocalRandom.current().nextInt(4) == 0;
          List<ObjectId> ids = new ArrayList<>(deletedOne ? acked.deleted : acked.objects.keySet());
          if (ids.isEmpty()) {
            continue;
          }
          ObjectId id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
          if (deletedOne) {
            timed("read of deleted " + id, () -> expectDeleted(client, id));
          } else {
            timed("get of " + id, () -> {
              acked.verify(client, id);
              reads.incrementAndGet();
            });
          }
        }
      });
    }
  }

  private void expectDeleted(DyadClient client, ObjectId id) throws DyadException {
    try {
      client.stat(id);
      failures.add("resurrected delete: " + id + " was deleted but reads back");
    } catch (DyadException e) {
      if (e.code() != ErrorCode.NOT_FOUND) {
        throw e;
      }
      readsOfDeleted.incrementAndGet();
    }
  }

  @FunctionalInterface
  private interface Op {
    void run() throws Exception;
  }

  private void timed(String what, Op op) {
    long started = System.nanoTime();
    try {
      op.run();
    } catch (Throwable e) {
      failures.add(what + ": " + e);
    }
    longestNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
  }

  /** Operations done so far. */
  long done() {
    return writes.get() + reads.get() + deletes.get() + readsOfDeleted.get();
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
