package io.dyad.node.cluster;

import io.dyad.coordinator.model.AdmittedInfo;

/**
 * Whether a member has collected, since its current admission, the hints its partner holds for it. A member is
 * failed back (or admitted) once it caught up, but its partner may have taken a write or a delete for it with a hint
 * after its last pass: until the member has collected those, its own copy may lack an object or still hold a deleted
 * one, so it serves no reads (its partner does). Shared by the member's {@link ClusterGate} and {@link Resyncer}.
 */
public final class HintSettlement {
  private volatile String settled = "";

  private static String key(AdmittedInfo a) {
    return a.incarnation() + "@" + a.epoch();
  }

  /** Whether the hints were collected after admission {@code a}. */
  boolean isSettled(AdmittedInfo a) {
    return a != null && key(a).equals(settled);
  }

  void settle(AdmittedInfo a) {
    if (a != null) {
      settled = key(a);
    }
  }
}
