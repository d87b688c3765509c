package io.dyad.coordinator.model;

/**
 * {@code /dyad/live/<id>} (ephemeral): a member that is up, with the ZooKeeper session that keeps it there.
 *
 * @param session the owning session id, as hex
 * @param startedAt when this registration was made, ms since the epoch
 * @param incarnation differs for every registration of the member (grows over time): a restarted process, or one
 *     that lost its session, is a new incarnation and must catch up before it serves reads again
 * @param dataId the identity of the data directory the member runs on (a random id written when the directory is
 *     first used): a replaced or wiped disk has a new one; null from members that predate it
 */
public record LiveInfo(String id, String address, String session, long startedAt, long incarnation, String dataId) {}
