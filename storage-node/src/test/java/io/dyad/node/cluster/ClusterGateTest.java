package io.dyad.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.AbstractIdleService;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.StaleEpochException;
import io.dyad.coordinator.membership.Registration;
import io.dyad.coordinator.model.FailoverInfo;
import io.dyad.coordinator.model.FailoverState;
import io.dyad.coordinator.model.LiveInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.coordinator.view.ClusterView;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The fencing rules, on fakes of the registration and the view (their real behaviour is tested elsewhere). */
class ClusterGateTest {
  private boolean registered = true;
  private ClusterSnapshot snapshot = snapshot(7, Map.of());

  private static ClusterSnapshot snapshot(long epoch, Map<String, FailoverInfo> failovers) {
    return new ClusterSnapshot(1, Optional.empty(), Map.of(), Map.of(), Map.of(), failovers, epoch, Map.of(), Map.of(),
        Map.of(), Map.of(), Optional.empty());
  }

  private final Registration registration = new FakeRegistration();
  private final ClusterView view = new FakeView();
  private final ClusterGate gate = new ClusterGate("a1", registration, view);

  private static void assertCode(ErrorCode code, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(DyadException.class)
        .satisfies(e -> assertThat(((DyadException) e).code()).isEqualTo(code));
  }

  @Test
  void aServingMemberServesRequestsOfItsEpochNewerOnesAndUnroutedOnes() {
    assertThatCode(() -> gate.checkWrite(7)).doesNotThrowAnyException();
    assertThatCode(() -> gate.checkRead(8)).doesNotThrowAnyException();
    assertThatCode(() -> gate.checkRead(0)).doesNotThrowAnyException();
  }

  @Test
  void requestsRoutedUnderAnOlderEpochAreRefusedWithTheCurrentOne() {
    assertThatThrownBy(() -> gate.checkWrite(6)).isInstanceOf(StaleEpochException.class)
        .satisfies(e -> assertThat(((StaleEpochException) e).currentEpoch()).isEqualTo(7));
    assertCode(ErrorCode.STALE_EPOCH, () -> gate.checkRead(3));
    assertCode(ErrorCode.STALE_EPOCH, () -> gate.checkLookup(3));
  }

  @Test
  void withoutAValidRegistrationNothingIsServed() {
    registered = false;
    assertCode(ErrorCode.UNAVAILABLE, () -> gate.checkRead(7));
    assertCode(ErrorCode.UNAVAILABLE, () -> gate.checkWrite(7));
    assertCode(ErrorCode.UNAVAILABLE, () -> gate.checkLookup(7));
  }

  @Test
  void aFailedOverMemberServesNothingButLookupsAndAResyncingOneTakesWritesOnly() {
    snapshot = snapshot(7, Map.of("a1", new FailoverInfo("a1", "b1", 0, "x", 7, FailoverState.FAILED_OVER, "c1")));
    assertCode(ErrorCode.UNAVAILABLE, () -> gate.checkRead(7));
    assertCode(ErrorCode.UNAVAILABLE, () -> gate.checkWrite(7));
    assertThatCode(() -> gate.checkLookup(7)).doesNotThrowAnyException();
    snapshot = snapshot(8, Map.of("a1", new FailoverInfo("a1", "b1", 0, "x", 8, FailoverState.RESYNCING, "c1")));
    assertThatCode(() -> gate.checkWrite(8)).doesNotThrowAnyException();
    assertCode(ErrorCode.UNAVAILABLE, () -> gate.checkRead(8));
  }

  private final class FakeRegistration extends AbstractIdleService implements Registration {
    @Override
    public boolean mayAcceptWrites() {
      return registered;
    }

    @Override
    public Optional<LiveInfo> current() {
      return Optional.empty();
    }

    @Override
    public void addListener(Consumer<Boolean> onFenceChange) {}

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
    public void addListener(Consumer<ClusterSnapshot> listener, Executor executor) {}

    @Override
    protected void startUp() {}

    @Override
    protected void shutDown() {}
  }
}
