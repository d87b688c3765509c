package io.dyad.rpc.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What a {@link ThriftServerService} refused or cut to stay fair, counted since it started, for the daemon's metrics.
 * Thread-safe.
 */
public final class ServerCounters {
  final AtomicLong refusedConnections = new AtomicLong();
  final AtomicLong evictedConnections = new AtomicLong();
  final AtomicLong stalledFrames = new AtomicLong();
  final AtomicLong memoryWaits = new AtomicLong();

  /** Connections closed on accept: the server, or their address, had too many and none could make room. */
  public long refusedConnections() {
    return refusedConnections.get();
  }

  /** Idle connections closed at the connection cap to let a connection from a smaller address in. */
  public long evictedConnections() {
    return evictedConnections.get();
  }

  /** Connections closed because they held part of a request frame, sending nothing, while others waited. */
  public long stalledFrames() {
    return stalledFrames.get();
  }

  /** Times a connection stopped being read because request memory was full (for it). */
  public long memoryWaits() {
    return memoryWaits.get();
  }
}
