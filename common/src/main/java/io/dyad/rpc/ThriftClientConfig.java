package io.dyad.rpc;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import io.dyad.common.access.ClusterSecret;
import io.dyad.common.access.DaemonAuth;
import io.dyad.rpc.tls.Tls;
import java.time.Duration;
import java.util.Optional;

/**
 * How a client connects: timeouts, the largest reply frame it accepts, and the local address it connects from.
 * Immutable.
 *
 * @param connectTimeout how long to wait for a TCP connection
 * @param requestTimeout how long to wait for any one reply (a read or write call of one chunk)
 * @param maxFrameBytes the largest reply frame accepted; must exceed the largest chunk the servers send
 * @param localHost the address to connect from (a member connects from its own declared address, so that its
 *     partner sees who it is); empty: the system chooses
 * @param credential the daemon identity member connections authenticate with; empty for clients
 * @param tls TLS on every connection (the server's certificate must come from the trusted CA and name the address
 *     connected to), or empty: plain
 */
public record ThriftClientConfig(Duration connectTimeout, Duration requestTimeout, int maxFrameBytes,
    Optional<String> localHost, Optional<DaemonCredential> credential, Optional<Tls> tls) {

  /**
   * Who a daemon is to the members it calls: its name and the cluster secret's proofs. A typed member client
   * authenticates each new connection with it before its first call.
   */
  public record DaemonCredential(String daemon, DaemonAuth auth) {
    @Override
    public String toString() {
      return "DaemonCredential[" + daemon + "]";
    }
  }

  public ThriftClientConfig {
    requireNonNull(connectTimeout, "connectTimeout");
    requireNonNull(requestTimeout, "requestTimeout");
    requireNonNull(localHost, "localHost");
    requireNonNull(credential, "credential");
    requireNonNull(tls, "tls");
    checkArgument(connectTimeout.toMillis() > 0, "connectTimeout must be positive");
    checkArgument(requestTimeout.toMillis() > 0, "requestTimeout must be positive");
    checkArgument(maxFrameBytes >= 4096, "maxFrameBytes must be at least 4096");
  }

  /** 2 s to connect, 30 s per request, replies up to 64 MiB. */
  public static ThriftClientConfig defaults() {
    return new ThriftClientConfig(Duration.ofSeconds(2), Duration.ofSeconds(30), 64 * 1024 * 1024, Optional.empty(),
        Optional.empty(), Optional.empty());
  }

  public ThriftClientConfig withRequestTimeout(Duration timeout) {
    return new ThriftClientConfig(connectTimeout, timeout, maxFrameBytes, localHost, credential, tls);
  }

  public ThriftClientConfig withConnectTimeout(Duration timeout) {
    return new ThriftClientConfig(timeout, requestTimeout, maxFrameBytes, localHost, credential, tls);
  }

  public ThriftClientConfig withLocalHost(String host) {
    return new ThriftClientConfig(connectTimeout, requestTimeout, maxFrameBytes, Optional.of(host), credential, tls);
  }

  /** Member connections authenticate as {@code daemon} with the cluster secret (none without a secret). */
  public ThriftClientConfig withCredential(String daemon, java.util.Optional<ClusterSecret> secret) {
    return new ThriftClientConfig(connectTimeout, requestTimeout, maxFrameBytes, localHost,
        secret.map(s -> new DaemonCredential(daemon, new DaemonAuth(s, java.time.Clock.systemUTC()))), tls);
  }

  /** Connections with TLS ({@code tls} empty: plain). */
  public ThriftClientConfig withTls(Optional<Tls> tls) {
    return new ThriftClientConfig(connectTimeout, requestTimeout, maxFrameBytes, localHost, credential, tls);
  }
}
