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

  /** The member has caught up: end its failover and admit its current incarnation to serve reads. */
  record FailBack(String member, long incarnation, String dataId) implements Decision {}

  /**
   * A member that was never failed over came back as a new incarnation (a quick restart, a lost session, a new
   * disk): it catches up from {@code servedBy} before it serves reads (a RESYNCING record, no FAILED_OVER step).
   *
   * @param wasComplete its previous incarnation served and it runs on the same data directory
   */
  record Rejoin(String member, String servedBy, long incarnation, boolean wasComplete, String reason)
      implements Decision {}

  /** Admit the member's live incarnation to serve at once: it cannot lack anything its pair acknowledged. */
  record Admit(String member, long incarnation, String dataId, String reason) implements Decision {}

  /**
   * Both members of a pair added to the running cluster serve: it joins placement. {@code member} is its first
   * member (decisions are keyed by member).
   */
  record ActivatePair(String member, String pairId) implements Decision {}
}
