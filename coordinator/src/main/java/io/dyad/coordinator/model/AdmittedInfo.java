package io.dyad.coordinator.model;

/**
 * {@code /dyad/admitted/<member>}: the incarnation of the member (and the data directory it ran on) that the
 * coordinator leader last let serve reads, because it holds everything its pair acknowledged. A member whose live
 * incarnation is not this one (it restarted, lost its session, or came back on another disk) serves no reads until
 * it has caught up and been admitted again. Written only by the leader, in the transaction that fails the member
 * back (or admits it directly) and bumps the epoch.
 *
 * @param epoch the epoch of the admission
 * @param since when it was admitted, ms since the Unix epoch
 */
public record AdmittedInfo(String member, long incarnation, String dataId, long epoch, long since, String decidedBy) {}
