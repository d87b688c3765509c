package io.dyad.node.cluster;

import io.dyad.coordinator.model.AdmittedInfo;
import io.dyad.coordinator.model.LiveInfo;
import java.util.Optional;

/**
 * Whether a member has collected, since its current admission and registration, the hints its partner holds for
 * it. A member is failed back (or admitted) once it caught up, but its partner may have taken a write or a delete
 * for it with a hint after its last pass; and a member that lost its ZooKeeper session and registered again as the
 * same incarnation (it was paused, or cut off from ZooKeeper) may have missed writes and deletes its partner took
 * meanwhile with hints. Until the member has collected those, its own copy may lack an object or still hold a
 * deleted one, so it serves no reads (its partner does). Shared by the member's {@link ClusterGate} and
 * {@link Resyncer}.
 */
public final class HintSettlement {
  private volatile String settled = "";

  private static String key(AdmittedInfo a, LiveInfo me) {
    return a.incarnation() + "@" + a.epoch() + "/" + me.session();
  }

  /** Whether the hints were collected after admission {@code a}, under the member's current registration. */
  boolean isSettled(AdmittedInfo a, Optional<LiveInfo> me) {
    return a != null && me.isPresent() && key(a, me.get()).equals(settled);
  }

  void settle(AdmittedInfo a, Optional<LiveInfo> me) {
    if (a != null && me.isPresent()) {
      settled = key(a, me.get());
    }
  }
}
