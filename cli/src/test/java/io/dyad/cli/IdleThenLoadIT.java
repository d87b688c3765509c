package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dyad.dosm.DosmConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster that sits idle for longer than its servers keep idle connections (shortened here to 2 s; 5 minutes by
 * default), then takes load: every pooled connection the servers closed meanwhile is noticed and replaced, so no
 * request fails and no write goes degraded although every member is healthy.
 */
class IdleThenLoadIT {
  @TempDir Path dir;

  @Test
  void afterAQuietSpellLongerThanTheIdleTimeoutsNothingFailsAndNothingIsWrittenDegraded() throws Exception {
    TestCluster.Options options = TestCluster.Options.of(DosmConfig.POINT_TO_POINT)
        .withNodeArgs("--idle-seconds", "2").withDosmArgs("--idle-seconds", "2").withInProcessNodes();
    try (TestCluster cluster = new TestCluster(dir, options)) {
      Acked acked = new Acked();
      for (int i = 0; i < 60; i++) {
        acked.put(cluster.client, 90_000 + i);
      }
      // idle: every connection the DOSMs and the client pooled is closed by the servers' idle timeout
      await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6)).until(() -> true);
      try (Workload load = new Workload(cluster.client, acked, 3, 3, 1, 91_000_000)) {
        await().atMost(Duration.ofSeconds(60)).until(() -> load.done() > 150);
        load.close();
        assertThat(load.failures).as("failed requests after the quiet spell").isEmpty();
      }
      for (String[] pair : new String[][] {{"a1", "b1"}, {"a2", "b2"}, {"a3", "b3"}}) {
        assertThat(cluster.hintsFor(pair[0], pair[1]) + cluster.hintsFor(pair[1], pair[0]))
            .as("hints in pair %s/%s: writes that went degraded", pair[0], pair[1]).isZero();
      }
      acked.verifyAll(cluster.client);
    }
  }
}
