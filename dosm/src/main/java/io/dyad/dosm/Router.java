package io.dyad.dosm;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.coordinator.view.ClusterView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Who to talk to, from the cluster view: the members of a pair that take writes (serving or resyncing), the
 * order in which to read (serving members, the pair's first member first), and members' addresses. After a
 * member answers StaleEpoch, {@link #awaitEpoch} waits (on view changes) until the view has caught up.
 */
final class Router {
  private final ClusterView view;
  private final Duration staleWait;

  Router(ClusterView view, Duration staleWait) {
    this.view = view;
    this.staleWait = staleWait;
  }

  ClusterSnapshot snapshot() {
    return view.current();
  }

  /** Members that take writes now. */
  static List<String> writeTargets(PairInfo pair, ClusterSnapshot s) {
    List<String> out = new ArrayList<>(2);
    for (String m : new String[] {pair.a(), pair.b()}) {
      if (s.takesWrites(m)) {
        out.add(m);
      }
    }
    return out;
  }

  /** Members to read from, in order: those serving, the pair's first member first. */
  static List<String> readOrder(PairInfo pair, ClusterSnapshot s) {
    List<String> out = new ArrayList<>(2);
    for (String m : new String[] {pair.a(), pair.b()}) {
      if (s.isServing(m)) {
        out.add(m);
      }
    }
    return out;
  }

  static HostAndPort address(String member, ClusterSnapshot s) throws DyadException {
    MemberInfo m = s.members().get(member);
    if (m == null) {
      throw new DyadException(ErrorCode.INTERNAL, "member " + member + " is not in the cluster view");
    }
    return HostAndPort.fromString(m.address());
  }

  static String centerOf(String member, ClusterSnapshot s) {
    MemberInfo m = s.members().get(member);
    return m == null ? null : m.center();
  }

  /** Waits until the view's epoch reaches {@code epoch}. @throws DyadException UNAVAILABLE if it does not in time */
  void awaitEpoch(long epoch) throws DyadException {
    try {
      if (view.await(s -> s.epoch() >= epoch, staleWait).isEmpty()) {
        throw new DyadException(ErrorCode.UNAVAILABLE, "this DOSM's view of the cluster is behind (epoch "
            + view.current().epoch() + ", members know " + epoch + "); retry");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DyadException(ErrorCode.UNAVAILABLE, "interrupted while waiting for the cluster view", e);
    }
  }
}
