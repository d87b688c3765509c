package io.dyad.cli.admin;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * What a client of the admin port may hold. Immutable.
 *
 * @param maxConnections connections open at once; more are closed on accept
 * @param maxConnectionsPerAddress connections open at once from one IP address, so that one client cannot take
 *     them all
 * @param requestTimeout how long a request may take to arrive completely, from the connection's opening or the
 *     previous answer (a connection that sends nothing, or trickles, is closed after it)
 * @param writeTimeout how long an answer may take to be taken by the client
 * @param maxHeaderBytes the largest request line, and the largest header block
 * @param maxBodyBytes the largest request body (the admin port reads none)
 */
public record AdminLimits(int maxConnections, int maxConnectionsPerAddress, Duration requestTimeout,
    Duration writeTimeout, int maxHeaderBytes, int maxBodyBytes) {

  public AdminLimits {
    requireNonNull(requestTimeout, "requestTimeout");
    requireNonNull(writeTimeout, "writeTimeout");
    checkArgument(maxConnections >= 1, "maxConnections must be at least 1");
    checkArgument(maxConnectionsPerAddress >= 1 && maxConnectionsPerAddress <= maxConnections,
        "maxConnectionsPerAddress must be between 1 and maxConnections");
    checkArgument(requestTimeout.toMillis() > 0 && writeTimeout.toMillis() > 0, "timeouts must be positive");
    checkArgument(maxHeaderBytes >= 1024 && maxBodyBytes >= 0, "maxHeaderBytes must be at least 1024");
  }

  /** 64 connections (16 from one address), 10 s to send a request and to take an answer, 8 KiB of headers. */
  public static AdminLimits defaults() {
    return new AdminLimits(64, 16, Duration.ofSeconds(10), Duration.ofSeconds(10), 8192, 8192);
  }
}
