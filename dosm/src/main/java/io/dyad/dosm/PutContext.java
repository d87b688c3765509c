package io.dyad.dosm;

import io.dyad.rpc.StorageNodeClient;
import io.dyad.rpc.ConnectionPool;
import java.util.concurrent.Executor;

/**
 * What every put of a DOSM uses: node connections, threads to write both members at once, the cluster view, and
 * the hints to try again later.
 */
record PutContext(ConnectionPool<StorageNodeClient> pool, Executor fanout, Router router, PendingHints pendingHints) {}
