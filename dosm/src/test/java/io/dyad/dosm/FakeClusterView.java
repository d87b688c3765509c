package io.dyad.dosm;

import com.google.common.util.concurrent.AbstractIdleService;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.coordinator.view.ClusterView;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A cluster view set by the test. {@link #publishOnNextWait} holds back a newer snapshot until someone waits for a
 * change (a DOSM that met StaleEpoch): the view then catches up at once, without sleeps or threads.
 */
final class FakeClusterView extends AbstractIdleService implements ClusterView {
  private volatile ClusterSnapshot current;
  private volatile ClusterSnapshot held;
  private final List<Consumer<ClusterSnapshot>> listeners = new CopyOnWriteArrayList<>();

  FakeClusterView(ClusterSnapshot initial) {
    this.current = initial;
  }

  @Override
  public ClusterSnapshot current() {
    return current;
  }

  void set(ClusterSnapshot s) {
    current = s;
    listeners.forEach(l -> l.accept(s));
  }

  /** {@code s} becomes current when the next listener subscribes (ClusterView.await does, when it has to wait). */
  void publishOnNextWait(ClusterSnapshot s) {
    held = s;
  }

  @Override
  public Subscription addListener(Consumer<ClusterSnapshot> listener, Executor executor) {
    listeners.add(listener);
    ClusterSnapshot next = held;
    if (next != null) {
      held = null;
      set(next);
    }
    return () -> listeners.remove(listener);
  }

  @Override
  protected void startUp() {}

  @Override
  protected void shutDown() {}
}
