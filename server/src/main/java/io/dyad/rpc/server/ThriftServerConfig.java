package io.dyad.rpc.server;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import io.dyad.rpc.tls.Tls;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * How a Thrift server listens, what it accepts and what it lets callers hold. Immutable; ranges are checked on
 * construction.
 *
 * @param bindAddress where to listen; port 0 picks a free port (see {@link ThriftServerService#boundAddress()})
 * @param maxFrameBytes the largest request frame processed; bigger ones get a PROTOCOL_ERROR reply
 * @param drainLimitBytes an oversize frame up to this size is read and discarded so that the connection stays
 *     usable and the caller gets a typed reply; beyond it the connection is closed
 * @param workers threads that run requests; connections need no thread of their own (non-blocking I/O)
 * @param maxConnections connections open at once; more are closed on accept
 * @param maxConnectionsPerPeer connections open at once from one IP address
 * @param requestBudgetBytes bytes of request frames buffered at once over all connections; a connection that
 *     would exceed it is not read until others finish (push back, not failure). Frames are buffered as their
 *     bytes arrive, never as announced
 * @param idleTimeout a connection with no request in progress for this long is closed
 * @param idleTimeoutUnderPressure the same while the server is under pressure (from three quarters of
 *     {@code maxConnections} open until fewer than half are): idle connections then go sooner
 * @param frameTimeout a request frame that does not arrive completely within this long (from its first byte)
 *     closes the connection: a client that trickles bytes cannot hold a connection or buffers for long
 * @param stallTimeout a connection that holds bytes of an unfinished request frame and sends nothing more for this
 *     long is closed if other connections wait for request memory (well before {@code frameTimeout})
 * @param writeTimeout a reply that the client does not read for this long closes the connection
 * @param tls TLS on every connection (a client that does not speak it is closed with a log line), or empty: plain
 */
public record ThriftServerConfig(
    InetSocketAddress bindAddress,
    int maxFrameBytes,
    long drainLimitBytes,
    int workers,
    int maxConnections,
    int maxConnectionsPerPeer,
    long requestBudgetBytes,
    Duration idleTimeout,
    Duration idleTimeoutUnderPressure,
    Duration frameTimeout,
    Duration stallTimeout,
    Duration writeTimeout,
    Optional<Tls> tls) {

  /** Room on top of a chunk for the method name, ids and field headers of a request. */
  public static final int FRAME_OVERHEAD_BYTES = 64 * 1024;

  public ThriftServerConfig {
    requireNonNull(bindAddress, "bindAddress");
    requireNonNull(idleTimeout, "idleTimeout");
    requireNonNull(idleTimeoutUnderPressure, "idleTimeoutUnderPressure");
    requireNonNull(frameTimeout, "frameTimeout");
    requireNonNull(stallTimeout, "stallTimeout");
    requireNonNull(writeTimeout, "writeTimeout");
    requireNonNull(tls, "tls");
    checkArgument(maxFrameBytes >= 4096, "maxFrameBytes must be at least 4096, was %s", maxFrameBytes);
    checkArgument(drainLimitBytes >= maxFrameBytes, "drainLimitBytes must be at least maxFrameBytes");
    checkArgument(workers >= 1, "workers must be at least 1, was %s", workers);
    checkArgument(maxConnections >= 1 && maxConnectionsPerPeer >= 1, "connection limits must be positive");
    checkArgument(requestBudgetBytes >= 2L * maxFrameBytes,
        "requestBudgetBytes must hold at least two of the largest frames (%s), was %s", 2L * maxFrameBytes,
        requestBudgetBytes);
    checkArgument(positive(idleTimeout) && positive(idleTimeoutUnderPressure) && positive(frameTimeout)
        && positive(stallTimeout) && positive(writeTimeout), "timeouts must be positive");
  }

  private static boolean positive(Duration d) {
    return !d.isNegative() && !d.isZero();
  }

  /**
   * Defaults for a server that accepts chunks of up to {@code maxChunkBytes}: 64 workers, 4096 connections (1024
   * from one address), a request budget of an eighth of the heap (at least four frames), connections closed
   * after 5 minutes idle (15 s under pressure), frames that take over 30 s (or send nothing for 2 s while others
   * wait for memory) and replies unread for 60 s.
   */
  public static ThriftServerConfig forChunks(InetSocketAddress bindAddress, int maxChunkBytes) {
    int maxFrame = maxChunkBytes + FRAME_OVERHEAD_BYTES;
    long budget = Math.max(4L * maxFrame, Runtime.getRuntime().maxMemory() / 8);
    return new ThriftServerConfig(bindAddress, maxFrame, 4L * maxFrame, 64, 4096, 1024, budget,
        Duration.ofMinutes(5), Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofSeconds(2),
        Duration.ofSeconds(60), Optional.empty());
  }

  public ThriftServerConfig withWorkers(int n) {
    return new ThriftServerConfig(bindAddress, maxFrameBytes, drainLimitBytes, n, maxConnections, maxConnectionsPerPeer,
        requestBudgetBytes, idleTimeout, idleTimeoutUnderPressure, frameTimeout, stallTimeout, writeTimeout, tls);
  }

  public ThriftServerConfig withMaxConnections(int total, int perPeer) {
    return new ThriftServerConfig(bindAddress, maxFrameBytes, drainLimitBytes, workers, total, perPeer,
        requestBudgetBytes, idleTimeout, idleTimeoutUnderPressure, frameTimeout, stallTimeout, writeTimeout, tls);
  }

  public ThriftServerConfig withRequestBudget(long bytes) {
    return new ThriftServerConfig(bindAddress, maxFrameBytes, drainLimitBytes, workers, maxConnections,
        maxConnectionsPerPeer, bytes, idleTimeout, idleTimeoutUnderPressure, frameTimeout, stallTimeout, writeTimeout,
        tls);
  }

  /** The same server with TLS on every connection ({@code tls} empty: plain). */
  public ThriftServerConfig withTls(Optional<Tls> tls) {
    return new ThriftServerConfig(bindAddress, maxFrameBytes, drainLimitBytes, workers, maxConnections,
        maxConnectionsPerPeer, requestBudgetBytes, idleTimeout, idleTimeoutUnderPressure, frameTimeout, stallTimeout,
        writeTimeout, tls);
  }

  /** The idle, frame and write timeouts; the idle timeout under pressure is at most the new idle timeout. */
  public ThriftServerConfig withTimeouts(Duration idle, Duration frame, Duration write) {
    Duration underPressure = idleTimeoutUnderPressure.compareTo(idle) < 0 ? idleTimeoutUnderPressure : idle;
    return new ThriftServerConfig(bindAddress, maxFrameBytes, drainLimitBytes, workers, maxConnections,
        maxConnectionsPerPeer, requestBudgetBytes, idle, underPressure, frame, stallTimeout, write, tls);
  }

  /**
   * How soon connections go when they hurt others: idle ones while the server is under pressure, and those that hold
   * part of a frame without sending more while others wait for request memory.
   */
  public ThriftServerConfig withPressureTimeouts(Duration idleUnderPressure, Duration stall) {
    return new ThriftServerConfig(bindAddress, maxFrameBytes, drainLimitBytes, workers, maxConnections,
        maxConnectionsPerPeer, requestBudgetBytes, idleTimeout, idleUnderPressure, frameTimeout, stall, writeTimeout,
        tls);
  }

  /** Connection slots kept for addresses that hold fewer connections than the average (a sixteenth). */
  public int reservedConnections() {
    return maxConnections / 16;
  }
}
