package io.dyad.coordinator.zk;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * How a role reaches ZooKeeper. Immutable.
 *
 * @param connectString ZooKeeper connect string, e.g. "127.0.0.1:2181" or "zk1:2181,zk2:2181,zk3:2181/chroot"
 * @param sessionTimeout how long ZooKeeper keeps a silent member's session (and its liveness znode)
 * @param connectTimeout how long to wait for the first connection
 * @param digest optional "user:password" for ZooKeeper digest authentication; when set, Dyad's znodes are
 *     created with an ACL that gives that identity all rights and everybody else read access
 */
public record ZkConfig(String connectString, Duration sessionTimeout, Duration connectTimeout, Optional<String> digest) {
  public static final String DEFAULT_CONNECT = "127.0.0.1:2181";

  public ZkConfig {
    requireNonNull(connectString, "connectString");
    requireNonNull(sessionTimeout, "sessionTimeout");
    requireNonNull(connectTimeout, "connectTimeout");
    requireNonNull(digest, "digest");
    checkArgument(!connectString.isBlank(), "the ZooKeeper connect string is empty");
    checkArgument(sessionTimeout.toMillis() >= 1000, "the session timeout must be at least 1 s");
    checkArgument(digest.isEmpty() || digest.get().contains(":"), "ZooKeeper digest auth must be user:password");
  }

  /** 10 s sessions, 15 s to connect, no authentication. */
  public static ZkConfig of(String connectString) {
    return new ZkConfig(connectString, Duration.ofSeconds(10), Duration.ofSeconds(15), Optional.empty());
  }

  public ZkConfig withSessionTimeout(Duration timeout) {
    return new ZkConfig(connectString, timeout, connectTimeout, digest);
  }

  public ZkConfig withConnectTimeout(Duration timeout) {
    return new ZkConfig(connectString, sessionTimeout, timeout, digest);
  }

  public ZkConfig withDigest(String userColonPassword) {
    return new ZkConfig(connectString, sessionTimeout, connectTimeout, Optional.ofNullable(userColonPassword));
  }
}
