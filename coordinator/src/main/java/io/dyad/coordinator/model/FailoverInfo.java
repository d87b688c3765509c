package io.dyad.coordinator.model;

/**
 * {@code /dyad/failover/<member>}: present while the member is failed over or catching up. Written only by the
 * coordinator leader, in the same transaction that bumps {@code /dyad/epoch}.
 *
 * @param servedBy the partner serving in its place
 * @param since when the record was created, ms since the epoch
 * @param reason why (liveness lost, a new incarnation, or the operator's reason)
 * @param epoch the epoch this record was last written under
 * @param decidedBy id of the coordinator that wrote it
 * @param wasComplete the member held everything its pair acknowledged when its previous incarnation stopped (it
 *     was serving, and came back on the same data directory): once it has merged what its partner took meanwhile
 *     it is complete again, even if that partner is not
 * @param lastWritableEpoch the epoch at which the member last stopped taking writes while in this record (it went
 *     from RESYNCING back to FAILED_OVER); 0 if it has not taken writes since it was failed over
 */
public record FailoverInfo(String member, String servedBy, long since, String reason, long epoch,
    FailoverState state, String decidedBy, boolean wasComplete, long lastWritableEpoch) {

  public FailoverInfo withState(FailoverState newState, long newEpoch, String by) {
    long writable = state == FailoverState.RESYNCING && newState == FailoverState.FAILED_OVER ? newEpoch
        : lastWritableEpoch;
    return new FailoverInfo(member, servedBy, since, reason, newEpoch, newState, by, wasComplete, writable);
  }
}
