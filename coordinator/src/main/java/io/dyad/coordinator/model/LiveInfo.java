package io.dyad.coordinator.model;

/**
 * {@code /dyad/live/<id>} (ephemeral): a member that is up, with the ZooKeeper session that keeps it there.
 *
 * @param session the owning session id, as hex
 * @param startedAt when this registration was made, ms since the epoch
 * @param incarnation differs for every process of the member and every data directory it runs on (grows over
 *     time): a restarted process, or one on another disk, is a new incarnation and must catch up before it serves
 *     reads again. A process that lost its session and registers again on the same data keeps its incarnation (it
 *     took no write without its lease; if it was failed over meanwhile, the failover record makes it resync)
 * @param dataId the identity of the data directory the member runs on (a random id written when the directory is
 *     first used): a replaced or wiped disk has a new one; null from members that predate it
 */
public record LiveInfo(String id, String address, String session, long startedAt, long incarnation, String dataId) {}
