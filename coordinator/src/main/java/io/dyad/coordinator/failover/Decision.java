package io.dyad.coordinator.failover;

/** One change the coordinator leader makes to a member's failover state. */
public sealed interface Decision {
  String member();

  /** Fail the member over to its partner. */
  record FailOver(String member, String servedBy, String reason) implements Decision {}

  /** The failed-over member is back: let it catch up (it takes new writes; reads stay with its partner). */
  record StartResync(String member) implements Decision {}

  /** A resyncing member went away again (or an operator asked): back to failed over. */
  record BackToFailedOver(String member, String reason) implements Decision {}

  /** The member has caught up: end its failover. */
  record FailBack(String member) implements Decision {}
}
