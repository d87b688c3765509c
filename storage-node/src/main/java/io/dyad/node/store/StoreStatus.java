package io.dyad.node.store;

/**
 * A snapshot of a store's resources.
 *
 * @param usableBytes free bytes on the data volume (before the reserve)
 * @param totalBytes size of the data volume
 * @param reserveBytes free space writes may not use
 * @param openSessions write sessions open now
 * @param quarantined objects set aside since start because they failed a checksum
 * @param refusedSessions write sessions refused since start (too many open, or the gateway had its share)
 */
public record StoreStatus(long usableBytes, long totalBytes, long reserveBytes, int openSessions, long quarantined,
    long refusedSessions) {}
