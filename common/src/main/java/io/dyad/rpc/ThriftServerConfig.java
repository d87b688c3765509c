package io.dyad.rpc;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * How a Thrift server listens and what it accepts. Immutable; ranges are checked on construction.
 *
 * @param bindAddress where to listen; port 0 picks a free port (see {@link ThriftServerService#boundAddress()})
 * @param maxFrameBytes the largest request frame processed; bigger ones get a PROTOCOL_ERROR reply
 * @param drainLimitBytes an oversize frame up to this size is read and discarded so that the connection stays
 *     usable and the caller gets a typed reply; beyond it (or for a negative size) the connection is closed
 * @param minThreads worker threads kept alive
 * @param maxThreads at most this many connections are served at once (one thread each); more are refused
 * @param idleTimeout a connection that sends nothing for this long is closed
 */
public record ThriftServerConfig(
    InetSocketAddress bindAddress,
    int maxFrameBytes,
    long drainLimitBytes,
    int minThreads,
    int maxThreads,
    Duration idleTimeout) {

  /** Room on top of a chunk for the method name, ids and field headers of a request. */
  public static final int FRAME_OVERHEAD_BYTES = 64 * 1024;

  public ThriftServerConfig {
    requireNonNull(bindAddress, "bindAddress");
    requireNonNull(idleTimeout, "idleTimeout");
    checkArgument(maxFrameBytes >= 4096, "maxFrameBytes must be at least 4096, was %s", maxFrameBytes);
    checkArgument(drainLimitBytes >= maxFrameBytes, "drainLimitBytes must be at least maxFrameBytes");
    checkArgument(minThreads >= 1 && minThreads <= maxThreads,
        "need 1 <= minThreads <= maxThreads, had %s and %s", minThreads, maxThreads);
    checkArgument(!idleTimeout.isNegative() && !idleTimeout.isZero(), "idleTimeout must be positive");
  }

  /** Defaults for a server that accepts chunks of up to {@code maxChunkBytes}. */
  public static ThriftServerConfig forChunks(InetSocketAddress bindAddress, int maxChunkBytes) {
    int maxFrame = maxChunkBytes + FRAME_OVERHEAD_BYTES;
    return new ThriftServerConfig(bindAddress, maxFrame, 4L * maxFrame, 4, 128, Duration.ofMinutes(5));
  }

  public ThriftServerConfig withThreads(int min, int max) {
    return new ThriftServerConfig(bindAddress, maxFrameBytes, drainLimitBytes, min, max, idleTimeout);
  }

  public ThriftServerConfig withIdleTimeout(Duration timeout) {
    return new ThriftServerConfig(bindAddress, maxFrameBytes, drainLimitBytes, minThreads, maxThreads, timeout);
  }
}
