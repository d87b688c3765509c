package io.dyad.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.AbstractIdleService;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.StaleEpochException;
import io.dyad.coordinator.membership.Registration;
import io.dyad.coordinator.model.AdmittedInfo;
import io.dyad.coordinator.model.FailoverInfo;
import io.dyad.coordinator.model.FailoverState;
import io.dyad.coordinator.model.LiveInfo;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.coordinator.view.ClusterView;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The fencing rules, on fakes of the registration and the view (their real behaviour is tested elsewhere). */
class ClusterGateTest {
  private static final PairInfo P1 = new PairInfo("p1", MemberKind.STORAGE, "a1", "b1", "x:1", "y:1");

  private boolean confirmed = true;
  private boolean registered = true;
  private long incarnation = 5;
  private String session = "1";
  private ClusterSnapshot snapshot = snapshot(7, Map.of(), 5);

  private static ClusterSnapshot snapshot(long epoch, Map<String, FailoverInfo> failovers, long admittedIncarnation) {
    return ClusterSnapshot.builder().version(1).pairs(Map.of("p1", P1)).failovers(failovers).epoch(epoch)
        .admitted(Map.of("a1", new AdmittedInfo("a1", admittedIncarnation, "d", 3, 0, "c1"))).build();
  }

  private static FailoverInfo record(FailoverState state, long epoch) {
    return new FailoverInfo("a1", "b1", 0, "x", epoch, state, "c1", false, 0);
  }

  private final Registration registration = new FakeRegistration();
  private final ClusterView view = new FakeView();
  private final HintSettlement settlement = new HintSettlement();
  private final ClusterGate gate = new ClusterGate("a1", registration, view, settlement);

  {
    // the partner's hints are collected (see the tests below)
    settlement.settle(snapshot.admitted().get("a1"), registration.current());
  }

  private static void assertCode(ErrorCode code, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(DyadException.class)
        .satisfies(e -> assertThat(((DyadException) e).code()).isEqualTo(code));
  }

  @Test
  void aServingMemberServesRequestsOfItsEpochNewerOnesAndUnroutedOnes() {
    assertThatCode(() -> gate.checkWrite(7)).doesNotThrowAnyException();
    assertThatCode(() -> gate.checkRead(8)).doesNotThrowAnyException();
    assertThatCode(() -> gate.checkRead(0)).doesNotThrowAnyException();
    assertThat(gate.status().name()).isEqualTo("SERVING");
  }

  @Test
  void requestsRoutedUnderAnOlderEpochAreRefusedWithTheCurrentOne() {
    assertThatThrownBy(() -> gate.checkWrite(6)).isInstanceOf(StaleEpochException.class)
        .satisfies(e -> assertThat(((StaleEpochException) e).currentEpoch()).isEqualTo(7));
    assertCode(ErrorCode.STALE_EPOCH, () -> gate.checkRead(3));
    assertCode(ErrorCode.STALE_EPOCH, () -> gate.checkLookup(3));
  }

  @Test
  void withoutARegistrationNothingIsServed() {
    registered = false;
    assertCode(ErrorCode.UNAVAILABLE, () -> gate.checkRead(7));
    assertCode(ErrorCode.UNAVAILABLE, () -> gate.checkWrite(7));
    assertCode(ErrorCode.UNAVAILABLE, () -> gate.checkLookup(7));
    assertThat(gate.status().name()).isEqualTo("FENCED");
  }

  @Test
  void whenTheLeaseRunsOutReadsGoOnButWritesStop() {
    confirmed = false; // ZooKeeper unreachable for longer than the lease
    assertThatCode(() -> gate.checkRead(7)).doesNotThrowAnyException();
    assertThatCode(() -> gate.checkLookup(7)).doesNotThrowAnyException();
    assertCode(ErrorCode.UNAVAILABLE, () -> gate.checkWrite(7));
  }

  @Test
  void aFailedOverMemberServesNothingButLookupsAndAResyncingOneTakesWritesOnly() {
    snapshot = snapshot(7, Map.of("a1", record(FailoverState.FAILED_OVER, 7)), 5);
    assertCode(ErrorCode.UNAVAILABLE, () -> gate.checkRead(7));
    assertCode(ErrorCode.UNAVAILABLE, () -> gate.checkWrite(7));
    assertThatCode(() -> gate.checkLookup(7)).doesNotThrowAnyException();
    assertThat(gate.status().name()).isEqualTo("FAILED_OVER");
    snapshot = snapshot(8, Map.of("a1", record(FailoverState.RESYNCING, 8)), 5);
    assertThatCode(() -> gate.checkWrite(8)).doesNotThrowAnyException();
    assertCode(ErrorCode.UNAVAILABLE, () -> gate.checkRead(8));
    assertThat(gate.status().name()).isEqualTo("RESYNCING");
  }

  @Test
  void aNewIncarnationNotYetAdmittedServesNoReadsAndTakesNoWrites() {
    incarnation = 6; // restarted: the coordinator admitted incarnation 5
    assertCode(ErrorCode.UNAVAILABLE, () -> gate.checkRead(7));
    assertCode(ErrorCode.UNAVAILABLE, () -> gate.checkWrite(7));
    assertThatCode(() -> gate.checkLookup(7)).doesNotThrowAnyException();
    assertThat(gate.status().name()).isEqualTo("JOINING");
    assertThat(gate.status().detail()).contains("incarnation 6");
  }

  @Test
  void afterAnAdmissionNoReadsUntilThePartnersHintsAreCollected() {
    // admitted again (a failback): a new admission of the same incarnation
    snapshot = ClusterSnapshot.builder().version(2).pairs(Map.of("p1", P1)).epoch(9)
        .admitted(Map.of("a1", new AdmittedInfo("a1", 5, "d", 9, 0, "c1"))).build();
    assertCode(ErrorCode.UNAVAILABLE, () -> gate.checkRead(9));
    assertThatCode(() -> gate.checkWrite(9)).as("writes are taken at once").doesNotThrowAnyException();
    settlement.settle(snapshot.admitted().get("a1"), registration.current());
    assertThatCode(() -> gate.checkRead(9)).doesNotThrowAnyException();
  }

  @Test
  void afterRegisteringAgainAsTheSameIncarnationNoReadsUntilThePartnersHintsAreCollected() {
    session = "2"; // its session was lost (a pause, a ZooKeeper outage); the same process registered again
    assertThat(gate.status().name()).as("the same incarnation: still admitted").isEqualTo("SERVING");
    assertCode(ErrorCode.UNAVAILABLE, () -> gate.checkRead(7));
    assertThatCode(() -> gate.checkWrite(7)).as("writes are taken at once").doesNotThrowAnyException();
    settlement.settle(snapshot.admitted().get("a1"), registration.current());
    assertThatCode(() -> gate.checkRead(7)).doesNotThrowAnyException();
  }

  @Test
  void hintsAreKeptOnlyForThePartner() {
    assertThatCode(() -> gate.checkHintTargets(List.of("b1"))).doesNotThrowAnyException();
    assertCode(ErrorCode.INVALID_ARGUMENT, () -> gate.checkHintTargets(List.of("b2")));
    assertCode(ErrorCode.INVALID_ARGUMENT, () -> gate.checkHintTargets(List.of("a1")));
    assertCode(ErrorCode.INVALID_ARGUMENT, () -> gate.checkHintTargets(List.of("nobody")));
  }

  private final class FakeRegistration extends AbstractIdleService implements Registration {
    @Override
    public boolean mayAcceptWrites() {
      return registered && confirmed;
    }

    @Override
    public boolean mayServe() {
      return registered;
    }

    @Override
    public Optional<LiveInfo> current() {
      return registered ? Optional.of(new LiveInfo("a1", "x:1", session, 0, incarnation, "d")) : Optional.empty();
    }

    @Override
    protected void startUp() {}

    @Override
    protected void shutDown() {}
  }

  private final class FakeView extends AbstractIdleService implements ClusterView {
    @Override
    public ClusterSnapshot current() {
      return snapshot;
    }

    @Override
    public Subscription addListener(Consumer<ClusterSnapshot> listener, Executor executor) {
      return () -> {};
    }

    @Override
    protected void startUp() {}

    @Override
    protected void shutDown() {}
  }
}
