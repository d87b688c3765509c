package io.dyad.coordinator.model;

/**
 * {@code /dyad/live/<id>} (ephemeral): a member that is up, with the ZooKeeper session that keeps it there.
 *
 * @param session the owning session id, as hex
 * @param startedAt when this registration was made, ms since the epoch
 * @param incarnation differs for every registration of the member (grows over time)
 */
public record LiveInfo(String id, String address, String session, long startedAt, long incarnation) {}
