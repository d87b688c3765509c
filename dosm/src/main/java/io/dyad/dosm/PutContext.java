package io.dyad.dosm;

import java.util.concurrent.Executor;

/**
 * What every put of a DOSM uses: the storage nodes, threads to write both members at once, the cluster view, and
 * the hints to try again later.
 */
record PutContext(NodeLink nodes, Executor fanout, Router router, PendingHints pendingHints) {}
