package io.dyad.cli;

import static org.awaitility.Awaitility.await;

import io.dyad.common.DyadException;
import io.dyad.thrift.ChangeOp;
import io.dyad.thrift.Mkdir;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Makes directories /w0, /w1, ... in a volume through the pair's primary, one after another, as a DDM would:
 * records every acknowledged one, counts refusals (each retried with the same request id, so a try that was in
 * doubt but completed is answered as done, never applied twice), and the longest time between two
 * acknowledgements (the write gap a fault caused).
 */
final class NamespaceWriter implements AutoCloseable {
  final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  final AtomicInteger refused = new AtomicInteger();
  final AtomicLong longestGapMillis = new AtomicLong();
  private final DirectoryCluster cluster;
  private final String volume;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread = new Thread(this::run, "namespace-writer");

  NamespaceWriter(DirectoryCluster cluster, String volume) {
    this.cluster = cluster;
    this.volume = volume;
    thread.start();
  }

  private void run() {
    int i = 0;
    long lastAck = System.nanoTime();
    while (running.get()) {
      String path = "/w" + i;
      try {
        // one request id for all tries of a change: a try in doubt that was completed is answered, not redone
        cluster.submit(volume, ChangeOp.mkdir(new Mkdir(path, false, 0, 0)), "mkdir-" + i);
      } catch (DyadException e) {
        refused.incrementAndGet();
        LockSupport.parkNanos(20_000_000);
        continue;
      }
      acknowledged.add(path);
      i++;
      long now = System.nanoTime();
      longestGapMillis.accumulateAndGet((now - lastAck) / 1_000_000, Math::max);
      lastAck = now;
    }
  }

  /** Waits until {@code n} more changes are acknowledged. */
  void awaitMore(int n) {
    int target = acknowledged.size() + n;
    await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= target);
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join();
  }
}
