package io.dyad.coordinator.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.coordinator.model.AdminHold;
import io.dyad.coordinator.model.AdmittedInfo;
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
import org.junit.jupiter.api.Test;

class FailoverPolicyTest {
  private static final FailoverPolicy POLICY = new FailoverPolicy(Duration.ofSeconds(2));

  private final Map<String, LiveInfo> live = new HashMap<>();
  private final Map<String, FailoverInfo> failovers = new HashMap<>();
  private final Map<String, AdmittedInfo> admitted = new HashMap<>();
  private final Map<String, AdminHold> holds = new HashMap<>();
  private final Map<String, ResyncInfo> resync = new HashMap<>();
  private final Map<String, Long> notLiveSince = new HashMap<>();
  private boolean joining;

  private ClusterSnapshot snapshot() {
    Map<String, MemberInfo> members = new HashMap<>();
    for (String id : new String[] {"a1", "b1"}) {
      members.put(id, new MemberInfo(id, MemberKind.STORAGE, id.substring(0, 1).toUpperCase(), "127.0.0.1:1", null));
    }
    PairInfo p1 = new PairInfo("p1", MemberKind.STORAGE, "a1", "b1", "127.0.1.11:1", "127.0.2.11:1", joining);
    return ClusterSnapshot.builder().version(1).members(members).live(live).pairs(Map.of("p1", p1))
        .failovers(failovers).admitted(admitted).epoch(5).holds(holds).resync(resync).build();
  }

  private List<Decision> decide(long now) {
    return POLICY.decide(snapshot(), notLiveSince, now);
  }

  private void up(String id, long incarnation) {
    up(id, incarnation, "disk-" + id);
  }

  private void up(String id, long incarnation, String dataId) {
    live.put(id, new LiveInfo(id, "x:1", "1", 0, incarnation, dataId));
  }

  /** The member serves: live, and this incarnation admitted (at epoch 3) on its usual disk. */
  private void serving(String id, long incarnation) {
    up(id, incarnation);
    admitted.put(id, new AdmittedInfo(id, incarnation, "disk-" + id, 3, 0, "c1"));
  }

  private FailoverInfo record(String member, FailoverState state) {
    return new FailoverInfo(member, member.equals("a1") ? "b1" : "a1", 0, "liveness lost", 5, state, "c1", false, 0);
  }

  private void caughtUp(String member, long incarnation) {
    resync.put(member, new ResyncInfo(member, incarnation, ResyncInfo.Phase.CAUGHT_UP, 10, 10, 10, 100.0, 0, null));
  }

  @Test
  void anAddedPairJoinsPlacementOnlyOnceBothMembersServe() {
    joining = true;
    up("a1", 1);
    assertThat(decide(0)).as("a new pair's members are admitted first")
        .containsExactly(new Decision.Admit("a1", 1, "disk-a1", "a new pair"));
    serving("a1", 1);
    assertThat(decide(0)).isEmpty();
    up("b1", 1);
    assertThat(decide(0)).as("b1 catches up first").containsExactly(new Decision.Rejoin("b1", "a1", 1, false,
        "joins for the first time"));
    serving("b1", 1);
    assertThat(decide(0)).containsExactly(new Decision.ActivatePair("a1", "p1"));
    joining = false;
    assertThat(decide(0)).isEmpty();
  }

  @Test
  void aMemberGoneForTheGracePeriodIsFailedOverToItsServingPartner() {
    serving("b1", 1);
    admitted.put("a1", new AdmittedInfo("a1", 1, "disk-a1", 3, 0, "c1"));
    notLiveSince.put("a1", 10_000L);
    assertThat(decide(11_999)).isEmpty();
    assertThat(decide(12_000)).containsExactly(new Decision.FailOver("a1", "b1", "liveness lost"));
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
    assertThat(decide(60_000)).isEmpty();
    up("b1", 1);
    failovers.put("b1", record("b1", FailoverState.RESYNCING));
    assertThat(decide(60_000)).as("b1 is only resyncing: it cannot serve a1")
        .doesNotContain(new Decision.FailOver("a1", "b1", "liveness lost"));
  }

  @Test
  void neverFailsOverToAPartnerWhoseNewIncarnationWasNotAdmitted() {
    admitted.put("a1", new AdmittedInfo("a1", 1, "disk-a1", 3, 0, "c1"));
    admitted.put("b1", new AdmittedInfo("b1", 1, "disk-b1", 3, 0, "c1"));
    up("b1", 2); // b1 restarted: it does not serve yet
    notLiveSince.put("a1", 0L);
    assertThat(decide(60_000)).noneMatch(d -> d instanceof Decision.FailOver);
  }

  @Test
  void anOperatorHoldFailsOverALiveMemberAndKeepsItOut() {
    serving("a1", 1);
    serving("b1", 1);
    holds.put("a1", new AdminHold("a1", "disk swap", 0, "ops"));
    assertThat(decide(0)).containsExactly(new Decision.FailOver("a1", "b1", "operator: disk swap"));
    failovers.put("a1", record("a1", FailoverState.FAILED_OVER));
    assertThat(decide(0)).as("held: no resync").isEmpty();
  }

  @Test
  void theFailbackCycleRunsResyncThenFailbackAndAdmitsTheNewIncarnation() {
    serving("b1", 1);
    failovers.put("a1", record("a1", FailoverState.FAILED_OVER));
    assertThat(decide(0)).isEmpty();
    up("a1", 7);
    assertThat(decide(0)).containsExactly(new Decision.StartResync("a1"));
    failovers.put("a1", record("a1", FailoverState.RESYNCING));
    resync.put("a1", new ResyncInfo("a1", 7, ResyncInfo.Phase.RUNNING, 1, 1, 10, 10.0, 0, null));
    assertThat(decide(0)).isEmpty();
    caughtUp("a1", 6);
    assertThat(decide(0)).as("caught up in an older incarnation").isEmpty();
    caughtUp("a1", 7);
    assertThat(decide(0)).containsExactly(new Decision.FailBack("a1", 7, "disk-a1"));
  }

  @Test
  void aResyncingMemberThatLeavesAgainGoesBackToFailedOver() {
    serving("b1", 1);
    failovers.put("a1", record("a1", FailoverState.RESYNCING));
    assertThat(decide(0)).isEqualTo(List.of(new Decision.BackToFailedOver("a1", "liveness lost while resyncing")));
  }

  @Test
  void theMembersOfANewPairAreAdmittedAtOnceAndALateOneRejoins() {
    up("a1", 1);
    assertThat(decide(0)).as("the pair never took a write").containsExactly(
        new Decision.Admit("a1", 1, "disk-a1", "a new pair"));
    up("b1", 1);
    assertThat(decide(0)).containsExactly(new Decision.Admit("a1", 1, "disk-a1", "a new pair"),
        new Decision.Admit("b1", 1, "disk-b1", "a new pair"));
    serving("a1", 1);
    assertThat(decide(0)).containsExactly(new Decision.Rejoin("b1", "a1", 1, false, "joins for the first time"));
  }

  @Test
  void aMemberRestartedBeforeAnyFailoverRejoinsThroughResyncBeforeItServes() {
    serving("b1", 1);
    admitted.put("a1", new AdmittedInfo("a1", 1, "disk-a1", 3, 0, "c1"));
    up("a1", 2); // killed and restarted by a supervisor within the grace period
    assertThat(snapshot().isServing("a1")).isFalse();
    assertThat(snapshot().takesWrites("a1")).as("writes go to b1 with hints until a1 rejoins").isFalse();
    assertThat(decide(0)).containsExactly(new Decision.Rejoin("a1", "b1", 2, true, "new incarnation 2 (was 1)"));
  }

  @Test
  void aMemberBackOnAnEmptyDiskRejoinsAsIncompleteAndFailsBackOnlyFromAServingPartner() {
    serving("b1", 1);
    admitted.put("a1", new AdmittedInfo("a1", 1, "disk-a1", 3, 0, "c1"));
    up("a1", 2, "new-disk");
    assertThat(decide(0)).containsExactly(new Decision.Rejoin("a1", "b1", 2, false,
        "came back on another data directory"));
    failovers.put("a1", new FailoverInfo("a1", "b1", 0, "x", 6, FailoverState.RESYNCING, "c1", false, 0));
    caughtUp("a1", 2);
    up("b1", 9); // b1 restarted meanwhile: it does not serve, so a1's copy of it proves nothing
    assertThat(decide(0)).noneMatch(d -> d instanceof Decision.FailBack);
  }

  @Test
  void thePartnerOfAResyncingMemberKilledAndRestartedMergesWithItThenBothFailBack() {
    // a1 was failed over and is resyncing from b1; b1 dies and comes back at once on its own disk
    admitted.put("a1", new AdmittedInfo("a1", 1, "disk-a1", 2, 0, "c1"));
    admitted.put("b1", new AdmittedInfo("b1", 1, "disk-b1", 3, 0, "c1"));
    up("a1", 5);
    failovers.put("a1", record("a1", FailoverState.RESYNCING));
    up("b1", 2);
    assertThat(decide(0)).as("neither serves: b1 takes what a1 holds, a1 keeps resyncing").containsExactly(
        new Decision.Rejoin("b1", "a1", 2, true, "new incarnation 2 (was 1); its partner does not serve either, "
            + "so each takes what the other holds"));
    failovers.put("b1", new FailoverInfo("b1", "a1", 0, "x", 6, FailoverState.RESYNCING, "c1", true, 0));
    caughtUp("a1", 5);
    assertThat(decide(0)).as("a1 resynced from a b1 that did not serve: not yet").isEmpty();
    caughtUp("b1", 2);
    assertThat(decide(0)).as("b1 held everything when it stopped and merged a1").containsExactly(
        new Decision.FailBack("b1", 2, "disk-b1"));
    failovers.remove("b1");
    admitted.put("b1", new AdmittedInfo("b1", 2, "disk-b1", 7, 0, "c1"));
    assertThat(decide(0)).containsExactly(new Decision.FailBack("a1", 5, "disk-a1"));
  }

  @Test
  void aSoleServerRestartedWhileItsPartnerIsFailedOverIsAdmittedAtOnceUnlessThePartnerTookWrites() {
    admitted.put("a1", new AdmittedInfo("a1", 1, "disk-a1", 4, 0, "c1"));
    failovers.put("b1", record("b1", FailoverState.FAILED_OVER));
    up("a1", 2);
    assertThat(decide(0)).containsExactly(new Decision.Admit("a1", 2, "disk-a1",
        "came back on the data it served from; its partner took no writes meanwhile"));
    // b1 resynced (took writes) after a1's admission, then went away again: a1 may lack those writes
    failovers.put("b1", new FailoverInfo("b1", "a1", 0, "x", 6, FailoverState.FAILED_OVER, "c1", false, 6));
    assertThat(decide(0)).as("a1 waits for b1").isEmpty();
  }

  @Test
  void aMemberWhosePartnerIsDownAndMayHoldWritesItLacksWaits() {
    admitted.put("a1", new AdmittedInfo("a1", 1, "disk-a1", 3, 0, "c1"));
    admitted.put("b1", new AdmittedInfo("b1", 1, "disk-b1", 3, 0, "c1"));
    up("a1", 2);
    notLiveSince.put("b1", 0L);
    assertThat(decide(60_000)).as("both fell within the grace: the pair is unavailable until b1 is back").isEmpty();
  }
}
