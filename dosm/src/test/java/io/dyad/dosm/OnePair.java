package io.dyad.dosm;

import io.dyad.coordinator.model.AdmittedInfo;
import io.dyad.coordinator.model.FailoverInfo;
import io.dyad.coordinator.model.FailoverState;
import io.dyad.coordinator.model.LiveInfo;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A cluster of one storage pair (a1 in center A, b1 in center B) for the DOSM's unit tests: its snapshots, a view
 * of them, and the pair's two nodes in memory. Every object is placed on this pair.
 */
final class OnePair {
  static final String A = "a1";
  static final String B = "b1";
  static final String A_ADDRESS = "127.0.1.1:1";
  static final String B_ADDRESS = "127.0.2.1:1";

  final FakeNodes nodes = new FakeNodes();
  final FakeNodes.Node a;
  final FakeNodes.Node b;
  final FakeClusterView view;
  /** A router that never waits: a view that has not caught up when asked is behind (no sleeps in unit tests). */
  final Router router;

  OnePair(long epoch) {
    a = nodes.add(A, A_ADDRESS, epoch);
    b = nodes.add(B, B_ADDRESS, epoch);
    view = new FakeClusterView(serving(epoch));
    router = new Router(view, Duration.ZERO);
  }

  /** Both members live and admitted. */
  static ClusterSnapshot serving(long epoch) {
    return snapshot(epoch, Map.of(), A, B);
  }

  /** Only {@code live} are live (and admitted); the others are down as far as the view knows. */
  static ClusterSnapshot onlyLive(long epoch, String... live) {
    return snapshot(epoch, Map.of(), live);
  }

  /** Both live; {@code member} is failed over to its partner in state {@code state}. */
  static ClusterSnapshot failedOver(long epoch, String member, FailoverState state) {
    String partner = member.equals(A) ? B : A;
    return snapshot(epoch, Map.of(member, new FailoverInfo(member, partner, 1, "test", epoch, state, "c1", false, 0)),
        A, B);
  }

  private static ClusterSnapshot snapshot(long epoch, Map<String, FailoverInfo> failovers, String... live) {
    Map<String, MemberInfo> members = Map.of(
        A, new MemberInfo(A, MemberKind.STORAGE, "A", A_ADDRESS, null),
        B, new MemberInfo(B, MemberKind.STORAGE, "B", B_ADDRESS, null));
    Map<String, LiveInfo> liveInfo = new HashMap<>();
    Map<String, AdmittedInfo> admitted = new HashMap<>();
    for (String m : live) {
      liveInfo.put(m, new LiveInfo(m, members.get(m).address(), "1", 1, 7, "data-" + m));
      admitted.put(m, new AdmittedInfo(m, 7, "data-" + m, 1, 1, "c1"));
    }
    return ClusterSnapshot.builder().version(epoch).epoch(epoch).members(members)
        .pairs(Map.of("p1", new PairInfo("p1", MemberKind.STORAGE, A, B, A_ADDRESS, B_ADDRESS)))
        .live(liveInfo).admitted(admitted).failovers(failovers).build();
  }
}
