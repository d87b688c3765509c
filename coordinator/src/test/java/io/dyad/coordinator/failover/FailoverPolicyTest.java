package io.dyad.coordinator.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.coordinator.model.AdminHold;
import io.dyad.coordinator.model.FailoverInfo;
import io.dyad.coordinator.model.FailoverState;
import io.dyad.coordinator.model.LiveInfo;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.model.ResyncInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FailoverPolicyTest {
  private static final FailoverPolicy POLICY = new FailoverPolicy(Duration.ofSeconds(2));

  private final Map<String, LiveInfo> live = new HashMap<>();
  private final Map<String, FailoverInfo> failovers = new HashMap<>();
  private final Map<String, AdminHold> holds = new HashMap<>();
  private final Map<String, ResyncInfo> resync = new HashMap<>();
  private final Map<String, Long> notLiveSince = new HashMap<>();

  private ClusterSnapshot snapshot() {
    Map<String, MemberInfo> members = new HashMap<>();
    for (String id : new String[] {"a1", "b1"}) {
      members.put(id, new MemberInfo(id, MemberKind.STORAGE, id.substring(0, 1).toUpperCase(), "127.0.0.1:1", null));
    }
    PairInfo p1 = new PairInfo("p1", MemberKind.STORAGE, "a1", "b1", "127.0.1.11:1", "127.0.2.11:1");
    return new ClusterSnapshot(1, Optional.empty(), members, live, Map.of("p1", p1), failovers, 5, holds, resync,
        Map.of(), Map.of(), Optional.empty());
  }

  private void up(String id, long incarnation) {
    live.put(id, new LiveInfo(id, "x:1", "1", 0, incarnation));
  }

  private FailoverInfo record(String member, FailoverState state) {
    return new FailoverInfo(member, "b1", 0, "liveness lost", 5, state, "c1");
  }

  @Test
  void aMemberGoneForTheGracePeriodIsFailedOverToItsServingPartner() {
    up("b1", 1);
    notLiveSince.put("a1", 10_000L);
    assertThat(POLICY.decide(snapshot(), notLiveSince, 11_999)).isEmpty();
    assertThat(POLICY.decide(snapshot(), notLiveSince, 12_000))
        .containsExactly(new Decision.FailOver("a1", "b1", "liveness lost"));
    assertThat(POLICY.nextDeadline(snapshot(), notLiveSince, 11_000)).isEqualTo(12_000);
    assertThat(POLICY.nextDeadline(snapshot(), notLiveSince, 12_000)).as("already decided on").isEqualTo(-1);
  }

  @Test
  void aPairWithBothMembersDownDoesNotHideAnotherMembersDeadline() {
    notLiveSince.put("b1", 0L);
    notLiveSince.put("a1", 10_000L);
    assertThat(POLICY.nextDeadline(snapshot(), notLiveSince, 10_500)).isEqualTo(12_000);
  }

  @Test
  void neverFailsOverToAPartnerThatIsItselfOut() {
    notLiveSince.put("a1", 0L);
    notLiveSince.put("b1", 0L);
    assertThat(POLICY.decide(snapshot(), notLiveSince, 60_000)).isEmpty();
    up("b1", 1);
    failovers.put("b1", record("b1", FailoverState.RESYNCING));
    assertThat(POLICY.decide(snapshot(), notLiveSince, 60_000))
        .as("b1 is only resyncing: it cannot serve a1").doesNotContain(new Decision.FailOver("a1", "b1", "liveness lost"));
  }

  @Test
  void anOperatorHoldFailsOverALiveMemberAndKeepsItOut() {
    up("a1", 1);
    up("b1", 1);
    holds.put("a1", new AdminHold("a1", "disk swap", 0, "ops"));
    assertThat(POLICY.decide(snapshot(), notLiveSince, 0))
        .containsExactly(new Decision.FailOver("a1", "b1", "operator: disk swap"));
    failovers.put("a1", record("a1", FailoverState.FAILED_OVER));
    assertThat(POLICY.decide(snapshot(), notLiveSince, 0)).as("held: no resync").isEmpty();
  }

  @Test
  void theFailbackCycleRunsResyncThenFailback() {
    up("b1", 1);
    failovers.put("a1", record("a1", FailoverState.FAILED_OVER));
    assertThat(POLICY.decide(snapshot(), notLiveSince, 0)).isEmpty();
    up("a1", 7);
    assertThat(POLICY.decide(snapshot(), notLiveSince, 0)).containsExactly(new Decision.StartResync("a1"));
    failovers.put("a1", record("a1", FailoverState.RESYNCING));
    resync.put("a1", new ResyncInfo("a1", 7, ResyncInfo.Phase.RUNNING, 1, 1, 10, 10.0, 0));
    assertThat(POLICY.decide(snapshot(), notLiveSince, 0)).isEmpty();
    resync.put("a1", new ResyncInfo("a1", 6, ResyncInfo.Phase.CAUGHT_UP, 10, 10, 10, 100.0, 0));
    assertThat(POLICY.decide(snapshot(), notLiveSince, 0)).as("caught up in an older incarnation").isEmpty();
    resync.put("a1", new ResyncInfo("a1", 7, ResyncInfo.Phase.CAUGHT_UP, 10, 10, 10, 100.0, 0));
    assertThat(POLICY.decide(snapshot(), notLiveSince, 0)).containsExactly(new Decision.FailBack("a1"));
  }

  @Test
  void aResyncingMemberThatLeavesAgainGoesBackToFailedOver() {
    up("b1", 1);
    failovers.put("a1", record("a1", FailoverState.RESYNCING));
    assertThat(POLICY.decide(snapshot(), notLiveSince, 0))
        .isEqualTo(List.of(new Decision.BackToFailedOver("a1", "liveness lost while resyncing")));
  }
}
