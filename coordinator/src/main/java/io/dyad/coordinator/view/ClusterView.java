package io.dyad.coordinator.view;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.Service;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The cluster as seen through a watched ZooKeeper cache. Once running, {@link #current()} always returns a
 * complete snapshot (never a half-loaded one); it changes only when ZooKeeper tells us something changed.
 */
public interface ClusterView extends Service {

  /** The latest snapshot. Cheap; never blocks. */
  ClusterSnapshot current();

  /**
   * Calls {@code listener} with every new snapshot (and once with the current one, if running), on
   * {@code executor}, until the returned handle is closed. A listener that throws is logged and keeps receiving
   * later snapshots.
   */
  Subscription addListener(Consumer<ClusterSnapshot> listener, Executor executor);

  /** A listener's registration; closing it stops the calls (closing twice is harmless). */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Waits (on changes, not by polling) until the snapshot satisfies {@code condition}.
   *
   * @return the first snapshot that does, or empty if none did within {@code timeout}
   */
  default Optional<ClusterSnapshot> await(Predicate<ClusterSnapshot> condition, Duration timeout)
      throws InterruptedException {
    ClusterSnapshot now = current();
    if (condition.test(now)) {
      return Optional.of(now);
    }
    CountDownLatch met = new CountDownLatch(1);
    AtomicReference<ClusterSnapshot> first = new AtomicReference<>();
    try (Subscription ignored = addListener(s -> {
      if (condition.test(s) && first.compareAndSet(null, s)) {
        met.countDown();
      }
    }, MoreExecutors.directExecutor())) {
      now = current();
      if (condition.test(now)) {
        return Optional.of(now);
      }
      return met.await(timeout.toMillis(), TimeUnit.MILLISECONDS) ? Optional.of(first.get()) : Optional.empty();
    }
  }
}
