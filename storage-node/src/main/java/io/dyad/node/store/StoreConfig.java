package io.dyad.node.store;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Configuration of one object store. Immutable; ranges are checked on construction.
 *
 * @param dataDir the directory that holds everything the store keeps
 * @param maxChunkBytes the largest chunk accepted by append and returned by read
 * @param reserveBytes writes are refused with STORAGE_FULL once free space would fall below this
 * @param sessionIdleTimeout a write session with no append for this long is aborted and its bytes removed
 * @param maxOpenSessions at most this many write sessions at once (each holds two open files)
 * @param sessionIdleTimeoutUnderPressure the idle timeout of write sessions under pressure (from three quarters of
 *     {@code maxOpenSessions} open, or when one would be refused)
 * @param sessionsPerGateway write sessions kept for each gateway: one gateway may not take those that others have not
 *     used yet (see {@code WriteSessions})
 */
public record StoreConfig(
    Path dataDir, int maxChunkBytes, long reserveBytes, Duration sessionIdleTimeout, int maxOpenSessions,
    Duration sessionIdleTimeoutUnderPressure, int sessionsPerGateway) {

  public static final int DEFAULT_MAX_CHUNK_BYTES = 4 * 1024 * 1024;
  public static final long DEFAULT_RESERVE_BYTES = 256L * 1024 * 1024;

  public StoreConfig {
    requireNonNull(dataDir, "dataDir");
    requireNonNull(sessionIdleTimeout, "sessionIdleTimeout");
    requireNonNull(sessionIdleTimeoutUnderPressure, "sessionIdleTimeoutUnderPressure");
    checkArgument(maxChunkBytes >= 4096 && maxChunkBytes <= 64 * 1024 * 1024,
        "maxChunkBytes must be between 4 KiB and 64 MiB, was %s", maxChunkBytes);
    checkArgument(reserveBytes >= 0, "reserveBytes must not be negative");
    checkArgument(sessionIdleTimeout.toMillis() >= 1, "sessionIdleTimeout must be positive");
    checkArgument(maxOpenSessions >= 1, "maxOpenSessions must be at least 1");
    checkArgument(sessionIdleTimeoutUnderPressure.toMillis() >= 1, "sessionIdleTimeoutUnderPressure must be positive");
    checkArgument(sessionsPerGateway >= 1 && sessionsPerGateway <= maxOpenSessions / 2 + 1,
        "sessionsPerGateway must be between 1 and half of maxOpenSessions, was %s", sessionsPerGateway);
  }

  /**
   * 4 MiB chunks, 256 MiB reserve, sessions idle for 10 minutes expire (30 s under pressure), up to 1024 sessions of
   * which 64 are kept for each gateway.
   */
  public static StoreConfig defaults(Path dataDir) {
    return new StoreConfig(dataDir, DEFAULT_MAX_CHUNK_BYTES, DEFAULT_RESERVE_BYTES, Duration.ofMinutes(10), 1024,
        Duration.ofSeconds(30), 64);
  }

  public StoreConfig withReserveBytes(long bytes) {
    return new StoreConfig(dataDir, maxChunkBytes, bytes, sessionIdleTimeout, maxOpenSessions,
        sessionIdleTimeoutUnderPressure, sessionsPerGateway);
  }

  public StoreConfig withMaxChunkBytes(int bytes) {
    return new StoreConfig(dataDir, bytes, reserveBytes, sessionIdleTimeout, maxOpenSessions,
        sessionIdleTimeoutUnderPressure, sessionsPerGateway);
  }

  public StoreConfig withSessionIdleTimeout(Duration timeout) {
    return new StoreConfig(dataDir, maxChunkBytes, reserveBytes, timeout, maxOpenSessions,
        sessionIdleTimeoutUnderPressure, sessionsPerGateway);
  }

  /** At most {@code sessions} write sessions, {@code perGateway} of them kept for each gateway. */
  public StoreConfig withSessionLimits(int sessions, int perGateway) {
    return new StoreConfig(dataDir, maxChunkBytes, reserveBytes, sessionIdleTimeout, sessions,
        sessionIdleTimeoutUnderPressure, perGateway);
  }

  public StoreConfig withSessionIdleTimeoutUnderPressure(Duration timeout) {
    return new StoreConfig(dataDir, maxChunkBytes, reserveBytes, sessionIdleTimeout, maxOpenSessions, timeout,
        sessionsPerGateway);
  }
}
