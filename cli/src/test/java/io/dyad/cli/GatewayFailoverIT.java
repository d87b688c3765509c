package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dyad.dosm.DosmConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DOSMs are stateless: when one stops under load, clients go on through the other without a failed request. */
class GatewayFailoverIT {
  @TempDir Path dir;

  @Test
  void clientsMoveToAnotherDosmWhenOneStops() throws Exception {
    try (TestCluster cluster = new TestCluster(dir, DosmConfig.POINT_TO_POINT)) {
      Acked acked = new Acked();
      for (int i = 0; i < 50; i++) {
        acked.put(cluster.client, 500 + i);
      }
      try (Workload load = new Workload(cluster.client, acked, 2, 2, 9_000_000)) {
        await().atMost(Duration.ofSeconds(30)).until(() -> load.writes.get() > 20);
        cluster.dosms.get(0).service().stopAsync().awaitTerminated();
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.snapshot().dosms().size() == 1);
        long writes = load.writes.get();
        await().atMost(Duration.ofSeconds(30)).until(() -> load.writes.get() > writes + 30);
        load.close();
        assertThat(load.failures).as("failed client requests").isEmpty();
      }
      acked.verifyAll(cluster.client);
    }
  }
}
