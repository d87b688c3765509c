package io.dyad.rpc;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How a client connects: timeouts and the largest reply frame it accepts. Immutable.
 *
 * @param connectTimeout how long to wait for a TCP connection
 * @param requestTimeout how long to wait for any one reply (a read or write call of one chunk)
 * @param maxFrameBytes the largest reply frame accepted; must exceed the largest chunk the servers send
 */
public record ThriftClientConfig(Duration connectTimeout, Duration requestTimeout, int maxFrameBytes) {

  public ThriftClientConfig {
    requireNonNull(connectTimeout, "connectTimeout");
    requireNonNull(requestTimeout, "requestTimeout");
    checkArgument(connectTimeout.toMillis() > 0, "connectTimeout must be positive");
    checkArgument(requestTimeout.toMillis() > 0, "requestTimeout must be positive");
    checkArgument(maxFrameBytes >= 4096, "maxFrameBytes must be at least 4096");
  }

  /** 2 s to connect, 30 s per request, replies up to 64 MiB. */
  public static ThriftClientConfig defaults() {
    return new ThriftClientConfig(Duration.ofSeconds(2), Duration.ofSeconds(30), 64 * 1024 * 1024);
  }

  public ThriftClientConfig withRequestTimeout(Duration timeout) {
    return new ThriftClientConfig(connectTimeout, timeout, maxFrameBytes);
  }

  public ThriftClientConfig withConnectTimeout(Duration timeout) {
    return new ThriftClientConfig(timeout, requestTimeout, maxFrameBytes);
  }
}
