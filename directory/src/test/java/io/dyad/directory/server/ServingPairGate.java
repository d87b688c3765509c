package io.dyad.directory.server;

import com.google.common.util.concurrent.AbstractIdleService;
import io.dyad.coordinator.fencing.MemberGate;
import io.dyad.coordinator.membership.Registration;
import io.dyad.coordinator.model.AdmittedInfo;
import io.dyad.coordinator.model.LiveInfo;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.coordinator.view.ClusterView;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A directory's gate in a cluster that never changes: da1 and db1, pair dp1, both registered and serving at epoch 2;
 * the one named primary was admitted first (epoch 1), so it orders the pair's changes. For unit tests of the
 * primary's write path without ZooKeeper.
 */
final class ServingPairGate {
  static final String A = "da1";
  static final String B = "db1";
  static final long EPOCH = 2;

  private ServingPairGate() {}

  /** The gate of {@code member} while {@code primary} (da1 or db1) is the primary. */
  static MemberGate of(String member, String primary) {
    String other = primary.equals(A) ? B : A;
    ClusterSnapshot s = ClusterSnapshot.builder().version(1).epoch(EPOCH)
        .members(Map.of(A, member(A, "A", "127.0.1.21:7000"), B, member(B, "B", "127.0.2.21:7000")))
        .pairs(Map.of("dp1", new PairInfo("dp1", MemberKind.DIRECTORY, A, B, "127.0.1.21:7000", "127.0.2.21:7000")))
        .live(Map.of(A, live(A), B, live(B)))
        .admitted(Map.of(primary, admitted(primary, 1), other, admitted(other, 2)))
        .build();
    return new MemberGate(member, new Registered(live(member)), new Fixed(s));
  }

  private static MemberInfo member(String id, String center, String address) {
    return new MemberInfo(id, MemberKind.DIRECTORY, center, address, null);
  }

  private static LiveInfo live(String id) {
    return new LiveInfo(id, "", "session-" + id, 0, 1, "data-" + id);
  }

  private static AdmittedInfo admitted(String id, long epoch) {
    return new AdmittedInfo(id, 1, "data-" + id, epoch, 0, "test");
  }

  /** Registered for good, within its lease. */
  private static final class Registered extends AbstractIdleService implements Registration {
    private final LiveInfo me;

    Registered(LiveInfo me) {
      this.me = me;
    }

    @Override
    public boolean mayAcceptWrites() {
      return true;
    }

    @Override
    public boolean mayServe() {
      return true;
    }

    @Override
    public Optional<LiveInfo> current() {
      return Optional.of(me);
    }

    @Override
    protected void startUp() {}

    @Override
    protected void shutDown() {}
  }

  /** A view that always shows the same snapshot. */
  private static final class Fixed extends AbstractIdleService implements ClusterView {
    private final ClusterSnapshot snapshot;

    Fixed(ClusterSnapshot snapshot) {
      this.snapshot = snapshot;
    }

    @Override
    public ClusterSnapshot current() {
      return snapshot;
    }

    @Override
    public Subscription addListener(Consumer<ClusterSnapshot> listener, Executor executor) {
      executor.execute(() -> listener.accept(snapshot));
      return () -> {};
    }

    @Override
    protected void startUp() {}

    @Override
    protected void shutDown() {}
  }
}
