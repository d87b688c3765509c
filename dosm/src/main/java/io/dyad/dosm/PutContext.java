package io.dyad.dosm;

import com.google.common.base.Ticker;
import java.util.concurrent.Executor;

/**
 * What every put of a DOSM uses: the storage nodes, threads to write both members at once, the cluster view, the
 * hints to try again later, and the time a put was last touched is read from (the one {@link PutSessions} expires
 * idle puts by).
 */
record PutContext(NodeLink nodes, Executor fanout, Router router, PendingHints pendingHints, Ticker ticker) {}
