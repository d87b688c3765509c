package io.dyad.coordinator.view;

import com.google.common.util.concurrent.Service;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The cluster as seen through a watched ZooKeeper cache. Once running, {@link #current()} always returns a
 * complete snapshot (never a half-loaded one); it changes only when ZooKeeper tells us something changed.
 */
public interface ClusterView extends Service {

  /** The latest snapshot. Cheap; never blocks. */
  ClusterSnapshot current();

  /**
   * Calls {@code listener} with every new snapshot (and once with the current one, if running), on
   * {@code executor}. A listener that throws is logged and keeps receiving later snapshots.
   */
  void addListener(Consumer<ClusterSnapshot> listener, Executor executor);
}
