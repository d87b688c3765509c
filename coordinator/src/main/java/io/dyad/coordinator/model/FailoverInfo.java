package io.dyad.coordinator.model;

/**
 * {@code /dyad/failover/<member>}: present while the member is failed over. Written only by the coordinator
 * leader, in the same transaction that bumps {@code /dyad/epoch}.
 *
 * @param servedBy the partner serving in its place
 * @param since when the member was failed over, ms since the epoch
 * @param reason why (liveness lost, or the operator's reason)
 * @param epoch the epoch this record was written under
 * @param decidedBy id of the coordinator that wrote it
 */
public record FailoverInfo(String member, String servedBy, long since, String reason, long epoch,
    FailoverState state, String decidedBy) {

  public FailoverInfo withState(FailoverState newState, long newEpoch, String by) {
    return new FailoverInfo(member, servedBy, since, reason, newEpoch, newState, by);
  }
}
