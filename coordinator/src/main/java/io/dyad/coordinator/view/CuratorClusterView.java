package io.dyad.coordinator.view;

import com.google.common.util.concurrent.AbstractIdleService;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClusterView} over a {@link CuratorCache} of the whole namespace. Every cache event marks the view
 * dirty; one thread rebuilds the snapshot (coalescing bursts, such as the two changes of a failover
 * transaction) and hands it to the listeners. Starting waits for the cache's initial load.
 */
public final class CuratorClusterView extends AbstractIdleService implements ClusterView {
  private static final Logger LOG = LoggerFactory.getLogger(CuratorClusterView.class);

  private final CuratorFramework client;
  private final Duration initialLoadTimeout;
  private final SnapshotBuilder builder = new SnapshotBuilder();
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final ExecutorService rebuilder = Executors.newSingleThreadExecutor(
      new ThreadFactoryBuilder().setDaemon(true).setNameFormat("cluster-view-%d").build());
  private final AtomicBoolean rebuildPending = new AtomicBoolean();
  private final CountDownLatch initialized = new CountDownLatch(1);

  private volatile CuratorCache cache;
  private volatile ClusterSnapshot current = ClusterSnapshot.EMPTY;
  private long version;

  public CuratorClusterView(CuratorFramework client, Duration initialLoadTimeout) {
    this.client = client;
    this.initialLoadTimeout = initialLoadTimeout;
  }

  @Override
  protected void startUp() throws Exception {
    cache = CuratorCache.build(client, "/");
    cache.listenable().addListener(CuratorCacheListener.builder()
        .forAll((type, oldData, data) -> scheduleRebuild())
        .forInitialized(() -> {
          scheduleRebuild();
          rebuilder.execute(initialized::countDown);
        })
        .build());
    cache.start();
    if (!initialized.await(initialLoadTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "the cluster view did not load from ZooKeeper within "
          + initialLoadTimeout.toSeconds() + " s");
    }
    LOG.info("cluster view loaded: {} members, {} pairs, epoch {}", current.members().size(),
        current.pairs().size(), current.epoch());
  }

  @Override
  protected void shutDown() {
    cache.close();
    rebuilder.shutdownNow();
  }

  @Override
  public ClusterSnapshot current() {
    return current;
  }

  @Override
  public Subscription addListener(Consumer<ClusterSnapshot> listener, Executor executor) {
    Subscriber s = new Subscriber(listener, executor);
    subscribers.add(s);
    if (isRunning()) {
      s.deliver(current);
    }
    return () -> subscribers.remove(s);
  }

  /** Listeners registered now (each await adds one while it waits). */
  public int listenerCount() {
    return subscribers.size();
  }

  private void scheduleRebuild() {
    if (rebuildPending.compareAndSet(false, true)) {
      try {
        rebuilder.execute(this::rebuild);
      } catch (java.util.concurrent.RejectedExecutionException stopping) {
        rebuildPending.set(false);
      }
    }
  }

  private void rebuild() {
    rebuildPending.set(false);
    Map<String, byte[]> znodes = new HashMap<>();
    cache.stream().forEach((ChildData d) -> znodes.put(d.getPath(), d.getData()));
    ClusterSnapshot next = builder.build(++version, znodes);
    current = next;
    for (Subscriber s : subscribers) {
      s.deliver(next);
    }
  }

  /** One registration (compared by identity: the same listener may be added twice). */
  private static final class Subscriber {
    private final Consumer<ClusterSnapshot> listener;
    private final Executor executor;

    Subscriber(Consumer<ClusterSnapshot> listener, Executor executor) {
      this.listener = listener;
      this.executor = executor;
    }

    void deliver(ClusterSnapshot snapshot) {
      try {
        executor.execute(() -> {
          try {
            listener.accept(snapshot);
          } catch (RuntimeException e) {
            LOG.error("a cluster view listener failed", e);
          }
        });
      } catch (java.util.concurrent.RejectedExecutionException stopped) {
        // the listener's executor was shut down: its owner stopped listening
      }
    }
  }
}
