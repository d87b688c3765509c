package io.dyad.coordinator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.admin.ClusterDescriptionValidator;
import io.dyad.coordinator.admin.ClusterInit;
import io.dyad.coordinator.admin.RootAcl;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.zk.ZkClients;
import io.dyad.coordinator.zk.ZkPaths;
import io.dyad.coordinator.zk.ZnodeCodec;
import java.time.Clock;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.Test;

class ClusterInitIT {
  @Test
  void initWritesTheWholeLayoutOnceAndRefusesASecondTime() throws Exception {
    try (ZkHarness zk = ZkHarness.start()) {
      zk.init(ZkHarness.twoPairs());
      CuratorFramework c = zk.client(Duration.ofSeconds(10));
      assertThat(c.getChildren().forPath(ZkPaths.MEMBERS)).containsExactlyInAnyOrder("a1", "a2", "b1", "b2");
      PairInfo p1 = ZnodeCodec.PAIR.decode("p1", c.getData().forPath(ZkPaths.pair("p1")));
      assertThat(p1.aAddress()).isEqualTo("127.0.1.11:9100");
      assertThat(p1.bAddress()).isEqualTo("127.0.2.11:9100");
      assertThat(ZnodeCodec.EPOCH.decode("epoch", c.getData().forPath(ZkPaths.EPOCH)).epoch()).isZero();
      for (String parent : ZkPaths.PARENTS) {
        assertThat(c.checkExists().forPath(parent)).as(parent).isNotNull();
      }
      assertThatThrownBy(() -> zk.init(ZkHarness.twoPairs())).isInstanceOf(DyadException.class)
          .satisfies(e -> assertThat(((DyadException) e).code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    }
  }

  @Test
  void withDigestAuthEverybodyMayReadButOnlyDyadMayWrite() throws Exception {
    try (ZkHarness zk = ZkHarness.start()) {
      CuratorFramework owner = ZkClients.connect(zk.config(Duration.ofSeconds(10)).withDigest("dyad:s3cret"));
      try {
        ClusterInit.apply(owner, ClusterDescriptionValidator.validate(ZkHarness.twoPairs()), Clock.systemUTC());
        CuratorFramework stranger = zk.client(Duration.ofSeconds(10));
        assertThat(stranger.getData().forPath(ZkPaths.pair("p1"))).isNotEmpty();
        assertThatThrownBy(() -> stranger.setData().forPath(ZkPaths.EPOCH, new byte[] {1}))
            .isInstanceOf(KeeperException.NoAuthException.class);
        owner.setData().forPath(ZkPaths.EPOCH, owner.getData().forPath(ZkPaths.EPOCH));
      } finally {
        owner.close();
      }
    }
  }

  @Test
  void closingTheRootLeavesAStrangerNoPlaceToCreateAnything() throws Exception {
    try (ZkHarness zk = ZkHarness.start()) {
      CuratorFramework owner = ZkClients.connect(zk.config(Duration.ofSeconds(10)).withDigest("dyad:s3cret"));
      try {
        ClusterInit.apply(owner, ClusterDescriptionValidator.validate(ZkHarness.twoPairs()), Clock.systemUTC());
        CuratorFramework stranger = zk.client(Duration.ofSeconds(10)).usingNamespace(null);
        stranger.create().forPath("/before", new byte[10]); // ZooKeeper's root is open to all by default

        RootAcl.Outcome closed = RootAcl.close(owner, java.util.List.of("dyad:s3cret"));

        assertThat(closed.wasOpen()).isTrue();
        assertThat(closed.describe()).contains("closed").contains("/dyad");
        for (String path : java.util.List.of("/junk", "/dyad/junk", "/zookeeper/junk", "/zookeeper/quota/junk")) {
          assertThatThrownBy(() -> stranger.create().forPath(path, new byte[1000])).as(path)
              .isInstanceOf(KeeperException.class);
        }
        assertThatThrownBy(() -> stranger.delete().forPath("/before")).isInstanceOf(KeeperException.NoAuthException.class);
        assertThat(stranger.getChildren().forPath("/")).as("the root stays readable").contains("dyad", "before");
        assertThat(stranger.getData().forPath("/dyad" + ZkPaths.EPOCH)).isNotEmpty();
        assertThat(RootAcl.close(owner, java.util.List.of("dyad:s3cret")).wasOpen()).as("closing again").isFalse();
      } finally {
        owner.close();
      }
    }
  }
}
