package io.dyad.coordinator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dyad.coordinator.membership.Registration;
import io.dyad.coordinator.model.LiveInfo;
import io.dyad.coordinator.zk.ZkPaths;
import io.dyad.coordinator.zk.ZnodeCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

class MembershipIT {
  private static final Duration SESSION = Duration.ofSeconds(2);

  @Test
  void aMemberRegistersAgainAfterItsSessionExpiresAsTheSameIncarnationUnlessItsDiskChanged() throws Exception {
    try (ZkHarness zk = ZkHarness.start()) {
      zk.init(ZkHarness.twoPairs());
      CuratorFramework client = zk.client(SESSION);
      java.util.concurrent.atomic.AtomicReference<String> disk = new java.util.concurrent.atomic.AtomicReference<>(
          "data-a1");
      Registration r = Registration.onZooKeeper(client, "a1", "127.0.1.11:9100", disk::get, Clock.systemUTC(),
          SESSION);
      r.startAsync().awaitRunning();
      try {
        LiveInfo first = r.current().orElseThrow();
        assertThat(r.mayAcceptWrites()).isTrue();
        LiveInfo stored = ZnodeCodec.LIVE.decode("live", client.getData().forPath(ZkPaths.live("a1")));
        assertThat(stored).isEqualTo(first);
        assertThat(stored.address()).isEqualTo("127.0.1.11:9100");

        zk.expireSession(client);
        await().atMost(Duration.ofSeconds(15)).until(() -> r.mayAcceptWrites()
            && r.current().map(l -> !l.session().equals(first.session())).orElse(false));
        LiveInfo again = ZnodeCodec.LIVE.decode("live", client.getData().forPath(ZkPaths.live("a1")));
        assertThat(again.session()).isNotEqualTo(first.session());
        assertThat(again.incarnation()).as("the same process on the same data").isEqualTo(first.incarnation());
        assertThat(again.dataId()).isEqualTo("data-a1");

        disk.set("data-a1-new-disk");
        zk.expireSession(client);
        await().atMost(Duration.ofSeconds(15)).until(() -> r.mayAcceptWrites()
            && r.current().map(l -> !l.session().equals(again.session())).orElse(false));
        LiveInfo onNewDisk = ZnodeCodec.LIVE.decode("live", client.getData().forPath(ZkPaths.live("a1")));
        assertThat(onNewDisk.incarnation()).as("another data directory").isGreaterThan(first.incarnation());
        assertThat(onNewDisk.dataId()).isEqualTo("data-a1-new-disk");
      } finally {
        r.stopAsync().awaitTerminated();
      }
      assertThat(zk.client(SESSION).checkExists().forPath(ZkPaths.live("a1"))).as("removed on a clean stop").isNull();
    }
  }

  @Test
  void aSecondRegistrationWaitsForTheFirstSessionsZnodeToVanish() throws Exception {
    try (ZkHarness zk = ZkHarness.start()) {
      zk.init(ZkHarness.twoPairs());
      CuratorFramework oldClient = zk.client(SESSION);
      Registration old = Registration.onZooKeeper(oldClient, "a1", "127.0.1.11:9100", () -> "data-" + "a1", Clock.systemUTC(), SESSION);
      old.startAsync().awaitRunning();
      Registration successor = Registration.onZooKeeper(zk.client(SESSION), "a1", "127.0.1.11:9100",
          () -> "data-a1", Clock.systemUTC(), Duration.ofSeconds(10));
      CompletableFuture<Void> started = CompletableFuture.runAsync(() -> successor.startAsync().awaitRunning());
      await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(1)).until(() -> !started.isDone());
      assertThat(successor.mayAcceptWrites()).isFalse();
      oldClient.close(); // the old process is gone: its session ends and its znode vanishes
      started.get(15, TimeUnit.SECONDS);
      assertThat(successor.mayAcceptWrites()).isTrue();
      successor.stopAsync().awaitTerminated();
    }
  }
}
