package io.dyad.coordinator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dyad.coordinator.admin.FailoverRequests;
import io.dyad.coordinator.failover.CoordinatorConfig;
import io.dyad.coordinator.failover.CoordinatorService;
import io.dyad.coordinator.membership.Registration;
import io.dyad.coordinator.membership.ResyncReporter;
import io.dyad.coordinator.model.FailoverInfo;
import io.dyad.coordinator.model.FailoverState;
import io.dyad.coordinator.model.ResyncInfo;
import io.dyad.coordinator.view.ClusterView;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole failover cycle against a real ZooKeeper: detection, decision, resync, failback; and by hand. */
class FailoverCycleIT {
  private static final Duration SESSION = Duration.ofSeconds(2);
  private static final Duration GRACE = Duration.ofMillis(500);

  private ZkHarness zk;
  private Members members;
  private ClusterView view;
  private CoordinatorService coordinator;

  @BeforeEach
  void start() throws Exception {
    zk = ZkHarness.start();
    zk.init(ZkHarness.twoPairs());
    members = new Members(zk);
    view = members.view();
    // only b1: pair p2 has both members down, which must not keep the coordinator from acting on others
    members.register("b1", SESSION);
  }

  private CoordinatorService startCoordinator(String id, Duration grace) throws Exception {
    ClusterView own = members.view();
    CoordinatorService c = new CoordinatorService(zk.client(SESSION), own, new CoordinatorConfig(id, grace),
        Clock.systemUTC());
    c.startAsync().awaitRunning();
    await().atMost(Duration.ofSeconds(10)).until(c::isActing);
    return c;
  }

  @AfterEach
  void stop() throws Exception {
    if (coordinator != null) {
      coordinator.stopAsync().awaitTerminated();
    }
    members.close();
    zk.close();
  }

  @Test
  void aKilledMemberIsFailedOverToItsPartnerWithinTimeoutPlusGraceAndFailsBackAfterResync() throws Exception {
    try (MemberProcess a1 = MemberProcess.start(zk.connectString(), "a1", "127.0.1.11:9100", SESSION)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> view.current().isLive("a1"));
      coordinator = startCoordinator("c1", GRACE);
      long epochBefore = view.current().epoch();
      long killedAt = System.nanoTime();
      a1.kill9();
      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
          .until(() -> view.current().failover("a1").isPresent());
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
      assertThat(tookMillis).as("declared within session timeout + grace + 1 s")
          .isLessThanOrEqualTo(SESSION.plus(GRACE).plusSeconds(1).toMillis());
      FailoverInfo f = view.current().failover("a1").orElseThrow();
      assertThat(f.servedBy()).isEqualTo("b1");
      assertThat(f.state()).isEqualTo(FailoverState.FAILED_OVER);
      assertThat(f.decidedBy()).isEqualTo("c1");
      assertThat(f.epoch()).isEqualTo(epochBefore + 1);
      // written in one transaction, but the watched cache may deliver the record before the epoch
      await().atMost(Duration.ofSeconds(10)).until(() -> view.current().epoch() == epochBefore + 1);
    }

    Registration back = members.register("a1", SESSION);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        view.current().failover("a1").map(f -> f.state() == FailoverState.RESYNCING).orElse(false));
    long resyncEpoch = view.current().failover("a1").orElseThrow().epoch();

    long incarnation = back.current().orElseThrow().incarnation();
    new ResyncReporter(zk.client(SESSION)).report(
        new ResyncInfo("a1", incarnation, ResyncInfo.Phase.CAUGHT_UP, 10, 1000, 10, 100.0, System.currentTimeMillis(), null));
    await().atMost(Duration.ofSeconds(10)).until(() -> view.current().failover("a1").isEmpty());
    await().atMost(Duration.ofSeconds(10)).until(() -> view.current().epoch() == resyncEpoch + 1);
    assertThat(view.current().resync()).as("resync report removed with the failback").doesNotContainKey("a1");
    assertThat(view.current().isServing("a1")).isTrue();
  }

  @Test
  void aMemberThatLostItsSessionServesAgainAtOnceAsTheSameIncarnationWithoutFailoverOrResync() throws Exception {
    Duration grace = Duration.ofSeconds(3);
    Registration a1 = members.register("a1", SESSION);
    coordinator = startCoordinator("c2", grace);
    await().atMost(Duration.ofSeconds(10)).until(() -> view.current().isServing("a1") && view.current().isServing("b1"));
    long incarnation = a1.current().orElseThrow().incarnation();
    String session = a1.current().orElseThrow().session();
    long epoch = view.current().epoch();
    zk.expireSession(zk.client(SESSION)); // an unrelated session, as a control
    // expire a1's own session: its liveness znode vanishes at once and the same process registers again
    java.lang.reflect.Field f = a1.getClass().getDeclaredField("client");
    f.setAccessible(true);
    zk.expireSession((org.apache.curator.framework.CuratorFramework) f.get(a1));
    await().atMost(Duration.ofSeconds(10)).until(() -> a1.mayAcceptWrites()
        && a1.current().map(l -> !l.session().equals(session)).orElse(false));
    assertThat(a1.current().orElseThrow().incarnation()).as("the same process on the same data").isEqualTo(incarnation);
    await().atMost(Duration.ofSeconds(10)).until(() -> view.current().isServing("a1"));
    // watch until well past the grace: it is neither failed over nor sent to catch up, and nothing was decided
    await().during(grace.plusSeconds(1)).atMost(grace.plusSeconds(3)).until(() -> view.current().isServing("a1")
        && view.current().failover("a1").isEmpty());
    assertThat(view.current().epoch()).isEqualTo(epoch);
  }

  @Test
  void aProcessRestartedWithinTheGracePeriodIsNotFailedOverButRejoinsThroughAResync() throws Exception {
    Duration grace = Duration.ofSeconds(3);
    org.apache.curator.framework.CuratorFramework firstClient = zk.client(SESSION);
    Registration first = members.register(firstClient, "a1", SESSION);
    coordinator = startCoordinator("c2", grace);
    await().atMost(Duration.ofSeconds(10)).until(() -> view.current().isServing("a1") && view.current().isServing("b1"));
    long firstIncarnation = first.current().orElseThrow().incarnation();
    long stoppedAt = System.nanoTime();
    firstClient.close(); // the process is gone: its session ends and its znode vanishes at once
    Registration restarted = members.register("a1", SESSION); // a new process: a new incarnation
    long newIncarnation = restarted.current().orElseThrow().incarnation();
    assertThat(newIncarnation).isGreaterThan(firstIncarnation);
    // it must catch up before it serves reads again, but it is never failed over: watch until well past the grace
    await().atMost(Duration.ofSeconds(10)).until(() -> view.current().failover("a1")
        .map(r -> r.state() == FailoverState.RESYNCING).orElse(false));
    assertThat(view.current().isServing("a1")).isFalse();
    Duration pastGrace = grace.plusSeconds(1).minusNanos(System.nanoTime() - stoppedAt);
    await().during(pastGrace.isNegative() ? Duration.ZERO : pastGrace).atMost(pastGrace.plusSeconds(2))
        .until(() -> view.current().failover("a1").map(r -> r.state() == FailoverState.RESYNCING).orElse(false));
    new ResyncReporter(zk.client(SESSION)).report(new ResyncInfo("a1", newIncarnation, ResyncInfo.Phase.CAUGHT_UP,
        0, 0, 0, 100.0, 0, null));
    await().atMost(Duration.ofSeconds(10)).until(() -> view.current().isServing("a1"));
    assertThat(view.current().admitted().get("a1").incarnation()).isEqualTo(newIncarnation);
  }

  @Test
  void anOperatorFailsOverAMemberOrAWholeCenterByHandAndFailsThemBack() throws Exception {
    Registration a1 = members.register("a1", SESSION);
    members.register("a2", SESSION);
    members.register("b2", SESSION);
    coordinator = startCoordinator("c1", GRACE);
    FailoverRequests requests = new FailoverRequests(zk.client(SESSION), Clock.systemUTC());

    requests.hold(List.of("a1"), "replace disk", "test");
    await().atMost(Duration.ofSeconds(10)).until(() -> view.current().failover("a1").isPresent());
    assertThat(view.current().failover("a1").orElseThrow().reason()).isEqualTo("operator: replace disk");
    assertThat(requests.release("a1")).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() ->
        view.current().failover("a1").map(f -> f.state() == FailoverState.RESYNCING).orElse(false));
    new ResyncReporter(zk.client(SESSION)).report(new ResyncInfo("a1", a1.current().orElseThrow().incarnation(),
        ResyncInfo.Phase.CAUGHT_UP, 0, 0, 0, 100.0, 0, null));
    await().atMost(Duration.ofSeconds(10)).until(() -> view.current().failover("a1").isEmpty());

    List<String> centerA = requests.membersOfCenter("A");
    assertThat(centerA).containsExactlyInAnyOrder("a1", "a2");
    requests.hold(centerA, "site maintenance", "test");
    await().atMost(Duration.ofSeconds(10)).until(() -> view.current().failovers().keySet().containsAll(centerA));
    assertThat(view.current().failover("a2").orElseThrow().servedBy()).isEqualTo("b2");

    // with all of center A out, holding center B too must not leave a pair with nobody serving
    requests.hold(requests.membersOfCenter("B"), "mistake", "test");
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
        .until(() -> !view.current().failovers().containsKey("b1") && !view.current().failovers().containsKey("b2"));
  }
}
