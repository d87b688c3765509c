package io.dyad.coordinator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.coordinator.view.CuratorClusterView;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The watched view on a real ZooKeeper: waiting on it leaves nothing behind. */
class ClusterViewIT {
  @Test
  void waitingOnTheViewLeavesNoListenerBehind() throws Exception {
    try (ZkHarness zk = ZkHarness.start()) {
      zk.init(ZkHarness.twoPairs());
      CuratorClusterView view = new CuratorClusterView(zk.client(Duration.ofSeconds(10)), Duration.ofSeconds(10));
      view.startAsync().awaitRunning();
      try {
        int before = view.listenerCount();
        for (int i = 0; i < 200; i++) {
          assertThat(view.await(s -> s.epoch() > 1_000, Duration.ofMillis(1))).isEmpty(); // times out
          assertThat(view.await(s -> !s.members().isEmpty(), Duration.ofSeconds(1))).isPresent();
        }
        long epoch = view.current().epoch();
        assertThat(view.await(s -> s.epoch() == epoch, Duration.ofSeconds(1))).isPresent();
        assertThat(view.listenerCount()).as("listeners after 401 waits").isEqualTo(before);
      } finally {
        view.stopAsync().awaitTerminated();
      }
    }
  }
}
