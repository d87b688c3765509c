package io.dyad.coordinator.it;

import io.dyad.coordinator.membership.Registration;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.coordinator.view.CuratorClusterView;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;

/** In-process members and views for coordinator tests, stopped together. */
final class Members implements AutoCloseable {
  private final ZkHarness zk;
  private final List<com.google.common.util.concurrent.Service> started = new ArrayList<>();

  Members(ZkHarness zk) {
    this.zk = zk;
  }

  /** Registers a member on a client of its own, with the given session timeout. */
  Registration register(String id, Duration sessionTimeout) throws Exception {
    CuratorFramework client = zk.client(sessionTimeout);
    return register(client, id, sessionTimeout);
  }

  Registration register(CuratorFramework client, String id, Duration sessionTimeout) {
    Registration r = Registration.onZooKeeper(client, id, "127.0.0.1:1", () -> "data-" + id, Clock.systemUTC(), sessionTimeout);
    r.startAsync().awaitRunning();
    started.add(r);
    return r;
  }

  ClusterView view() throws Exception {
    CuratorClusterView v = new CuratorClusterView(zk.client(Duration.ofSeconds(10)), Duration.ofSeconds(10));
    v.startAsync().awaitRunning();
    started.add(v);
    return v;
  }

  @Override
  public void close() {
    for (com.google.common.util.concurrent.Service s : started) {
      s.stopAsync();
    }
    for (com.google.common.util.concurrent.Service s : started) {
      try {
        s.awaitTerminated(Duration.ofSeconds(10));
      } catch (Exception ignored) {
        // a failed service is as good as stopped here
      }
    }
  }
}
