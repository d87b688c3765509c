package io.dyad.dosm;

/**
 * What a DOSM holds for its clients right now: every quantity a client can make grow, each bounded.
 *
 * @param clientConnections client connections open
 * @param queuedRequests requests waiting for a worker
 * @param bufferedRequestBytes bytes of request frames buffered
 * @param openPuts puts in progress
 * @param nodeConnections connections to storage nodes, in use and idle
 */
public record DosmStats(int clientConnections, int queuedRequests, long bufferedRequestBytes, int openPuts,
    int nodeConnections) {}
