package io.dyad.coordinator.zk;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How a role reaches ZooKeeper. Immutable.
 *
 * @param connectString ZooKeeper connect string, e.g. "127.0.0.1:2181" or "zk1:2181,zk2:2181,zk3:2181/chroot"
 * @param sessionTimeout how long ZooKeeper keeps a silent member's session (and its liveness znode)
 * @param connectTimeout how long to wait for the first connection
 * @param digests "user:password" identities for ZooKeeper digest authentication (none, one, or two while the
 *     cluster secret is rotated); with any, Dyad's znodes are created with an ACL that gives each of them all rights
 *     and everybody else read access
 * @param tls TLS to the ensemble's secure client port, or empty: plain
 */
public record ZkConfig(String connectString, Duration sessionTimeout, Duration connectTimeout, List<String> digests,
    Optional<ZkTls> tls) {
  public static final String DEFAULT_CONNECT = "127.0.0.1:2181";

  public ZkConfig {
    requireNonNull(connectString, "connectString");
    requireNonNull(sessionTimeout, "sessionTimeout");
    requireNonNull(connectTimeout, "connectTimeout");
    digests = List.copyOf(requireNonNull(digests, "digests"));
    requireNonNull(tls, "tls");
    checkArgument(!connectString.isBlank(), "the ZooKeeper connect string is empty");
    checkArgument(sessionTimeout.toMillis() >= 1000, "the session timeout must be at least 1 s");
    checkArgument(digests.stream().allMatch(d -> d.contains(":")), "ZooKeeper digest auth must be user:password");
  }

  /** 10 s sessions, 15 s to connect, no authentication. */
  public static ZkConfig of(String connectString) {
    return new ZkConfig(connectString, Duration.ofSeconds(10), Duration.ofSeconds(15), List.of(), Optional.empty());
  }

  public ZkConfig withSessionTimeout(Duration timeout) {
    return new ZkConfig(connectString, timeout, connectTimeout, digests, tls);
  }

  public ZkConfig withConnectTimeout(Duration timeout) {
    return new ZkConfig(connectString, sessionTimeout, timeout, digests, tls);
  }

  public ZkConfig withDigest(String userColonPassword) {
    return withDigests(userColonPassword == null ? List.of() : List.of(userColonPassword));
  }

  /** Authenticates as each of these identities; znodes are created writable by all of them. */
  public ZkConfig withDigests(List<String> userColonPasswords) {
    return new ZkConfig(connectString, sessionTimeout, connectTimeout, userColonPasswords, tls);
  }

  /** Connects with TLS ({@code t} empty: plain). */
  public ZkConfig withTls(Optional<ZkTls> t) {
    return new ZkConfig(connectString, sessionTimeout, connectTimeout, digests, t);
  }

  /** The identity new znodes are created for first, if any. */
  public Optional<String> digest() {
    return digests.stream().findFirst();
  }
}
