package io.dyad.cli;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.ZkSession;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.coordinator.zk.ZkConfig;
import java.time.Duration;
import java.util.function.Predicate;

/** A command's connection to the cluster: a ZooKeeper client and a watched view, closed together. */
final class ClusterSession implements AutoCloseable {
  final ZkSession zk;
  final ClusterView view;

  private ClusterSession(ZkSession zk, ClusterView view) {
    this.zk = zk;
    this.view = view;
  }

  static ClusterSession open(ZkConfig config) throws DyadException {
    ZkSession client = ZkSession.connect(config);
    ClusterView view = client.clusterView();
    try {
      view.startAsync().awaitRunning();
    } catch (IllegalStateException e) {
      client.close();
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot read the cluster from ZooKeeper at "
          + config.connectString() + ": " + CliErrors.describe(view.failureCause()), view.failureCause());
    }
    if (view.current().cluster().isEmpty()) {
      view.stopAsync().awaitTerminated();
      client.close();
      throw DyadException.notFound("ZooKeeper at " + config.connectString()
          + " holds no Dyad cluster; create one with 'dyad admin init --config FILE'");
    }
    return new ClusterSession(client, view);
  }

  ClusterSnapshot snapshot() {
    return view.current();
  }

  /** Waits (on view changes, not polling) until {@code condition} holds; returns whether it did in time. */
  boolean await(Predicate<ClusterSnapshot> condition, Duration timeout) throws InterruptedException {
    return view.await(condition, timeout).isPresent();
  }

  @Override
  public void close() {
    view.stopAsync().awaitTerminated();
    zk.close();
  }
}
