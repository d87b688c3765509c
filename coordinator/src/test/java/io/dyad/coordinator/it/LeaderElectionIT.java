package io.dyad.coordinator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dyad.common.DyadException;
import io.dyad.coordinator.admin.FailoverRequests;
import io.dyad.coordinator.failover.CoordinatorConfig;
import io.dyad.coordinator.failover.CoordinatorService;
import io.dyad.coordinator.failover.Decision;
import io.dyad.coordinator.failover.FailoverWriter;
import io.dyad.coordinator.model.EpochInfo;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.coordinator.zk.ZkPaths;
import io.dyad.coordinator.zk.ZnodeCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Several coordinators: exactly one acts; when it dies or is cut off, another takes over; never two. */
class LeaderElectionIT {
  private static final Duration SESSION = Duration.ofSeconds(2);

  private ZkHarness zk;
  private Members members;
  private ClusterView view;
  private final Map<String, CuratorFramework> clientOf = new ConcurrentHashMap<>();
  private final List<CoordinatorService> coordinators = new ArrayList<>();
  /** Every /dyad/epoch value seen, with the znode version it had. */
  private final List<long[]> epochHistory = new CopyOnWriteArrayList<>();
  private final List<String> writers = new CopyOnWriteArrayList<>();
  private CuratorCache epochWatch;

  @BeforeEach
  void start() throws Exception {
    zk = ZkHarness.start();
    zk.init(ZkHarness.twoPairs());
    members = new Members(zk);
    view = members.view();
    for (String id : new String[] {"a1", "b1", "a2", "b2"}) {
      members.register(id, SESSION);
    }
    epochWatch = CuratorCache.build(zk.client(SESSION), ZkPaths.EPOCH);
    epochWatch.listenable().addListener(CuratorCacheListener.builder().forCreatesAndChanges((old, now) -> {
      try {
        EpochInfo e = ZnodeCodec.EPOCH.decode(ZkPaths.EPOCH, now.getData());
        epochHistory.add(new long[] {e.epoch(), now.getStat().getVersion()});
        if (writers.isEmpty() || !writers.get(writers.size() - 1).equals(e.by())) {
          writers.add(e.by());
        }
      } catch (DyadException ex) {
        throw new AssertionError(ex);
      }
    }).build());
    epochWatch.start();
    for (String id : new String[] {"c1", "c2", "c3"}) {
      CuratorFramework client = zk.client(SESSION);
      clientOf.put(id, client);
      CoordinatorService c = new CoordinatorService(client, members.view(), new CoordinatorConfig(id, Duration.ofMillis(300)),
          Clock.systemUTC());
      c.startAsync().awaitRunning();
      coordinators.add(c);
    }
  }

  @AfterEach
  void stop() throws Exception {
    epochWatch.close();
    for (CoordinatorService c : coordinators) {
      if (c.isRunning()) {
        c.stopAsync().awaitTerminated();
      }
    }
    members.close();
    zk.close();
  }

  private CoordinatorService awaitSingleActor() {
    await().atMost(Duration.ofSeconds(15)).until(() -> coordinators.stream().filter(CoordinatorService::isActing).count() == 1);
    return coordinators.stream().filter(CoordinatorService::isActing).findFirst().orElseThrow();
  }

  /** Asks for a failover of {@code member} by hand and returns who declared it. */
  private String failOverByHand(String member) throws Exception {
    new FailoverRequests(zk.client(SESSION), Clock.systemUTC()).hold(List.of(member), "test", "test");
    await().atMost(Duration.ofSeconds(15)).until(() -> view.current().failover(member).isPresent());
    return view.current().failover(member).orElseThrow().decidedBy();
  }

  @Test
  void whenTheLeaderStopsAnotherTakesOverAndActs() throws Exception {
    CoordinatorService first = awaitSingleActor();
    assertThat(failOverByHand("a1")).isEqualTo(first.id());
    first.stopAsync().awaitTerminated();
    CoordinatorService second = awaitSingleActor();
    assertThat(second).isNotSameAs(first);
    assertThat(failOverByHand("a2")).isEqualTo(second.id());
    assertThat(view.current().coordinatorLeader()).contains(second.id());
    assertHistoryIsOneWriterAtATime();
  }

  @Test
  void aLeaderCutOffFromZooKeeperStopsActingAndItsWritesFail() throws Exception {
    CoordinatorService first = awaitSingleActor();
    String oldLatch = first.latchPath();
    assertThat(failOverByHand("a1")).isEqualTo(first.id());
    long epochBefore = view.current().epoch();

    zk.expireSession(clientOf.get(first.id()));
    await().atMost(Duration.ofSeconds(15)).until(() -> !first.isActing());
    CoordinatorService second = awaitSingleActor();
    assertThat(second.id()).isNotEqualTo(first.id());

    // the deposed leader still believes in its old latch znode: its transaction must fail and change nothing
    FailoverWriter stale = new FailoverWriter(zk.client(SESSION), first.id(), Clock.systemUTC());
    assertThatThrownBy(() -> stale.apply(new Decision.FailOver("a2", "b2", "stale leader"), oldLatch))
        .isInstanceOf(DyadException.class).hasMessageContaining("NONODE");
    assertThat(view.current().failover("a2")).isEmpty();
    assertThat(view.current().epoch()).isEqualTo(epochBefore);

    assertThat(failOverByHand("a2")).isEqualTo(second.id());
    assertHistoryIsOneWriterAtATime();
  }

  /**
   * The znode history: every epoch value equals its znode version (no write lost or applied twice: each
   * write is version-checked) and writers follow each other without ever interleaving.
   */
  private void assertHistoryIsOneWriterAtATime() {
    await().atMost(Duration.ofSeconds(5)).until(() -> !epochHistory.isEmpty()
        && epochHistory.get(epochHistory.size() - 1)[0] == view.current().epoch());
    for (long[] e : epochHistory) {
      assertThat(e[0]).as("epoch equals its znode version").isEqualTo(e[1]);
    }
    List<String> coordinatorWriters = writers.stream().filter(w -> w.startsWith("c")).toList();
    assertThat(coordinatorWriters).doesNotHaveDuplicates();
  }
}
