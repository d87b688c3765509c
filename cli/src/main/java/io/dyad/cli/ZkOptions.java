package io.dyad.cli;

import io.dyad.coordinator.zk.ZkConfig;
import io.dyad.common.access.ClusterSecret;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * How every cluster command reaches ZooKeeper: {@code --zk CONNECT} (default: $DYAD_ZK, else
 * 127.0.0.1:2181), the session timeout, and optional digest authentication taken from $DYAD_ZK_AUTH
 * ("user:password"; an environment variable so that the secret is not in the process list).
 */
final class ZkOptions {
  @Option(names = "--zk", paramLabel = "CONNECT",
      description = "ZooKeeper connect string (default: $DYAD_ZK, else " + ZkConfig.DEFAULT_CONNECT + ").")
  String connect;

  @Option(names = "--zk-session-ms", defaultValue = "10000", paramLabel = "MS",
      description = "ZooKeeper session timeout in ms (default: ${DEFAULT-VALUE}).")
  long sessionMillis;

  @Option(names = "--zk-connect-seconds", defaultValue = "10", paramLabel = "S",
      description = "How long to wait for ZooKeeper (default: ${DEFAULT-VALUE}).")
  long connectSeconds;

  String connectString() {
    if (connect != null && !connect.isBlank()) {
      return connect;
    }
    String env = System.getenv("DYAD_ZK");
    return env == null || env.isBlank() ? ZkConfig.DEFAULT_CONNECT : env;
  }

  /** Without credentials (unless $DYAD_ZK_AUTH gives some): enough to read, not to change anything under /dyad. */
  ZkConfig config() {
    return config(Optional.empty());
  }

  /**
   * With the ZooKeeper identity of the cluster's daemons, derived from the cluster secret ($DYAD_ZK_AUTH, if set,
   * wins): znodes are created writable by that identity only, readable by all.
   */
  ZkConfig config(Optional<ClusterSecret> secret) {
    ZkConfig c = ZkConfig.of(connectString()).withSessionTimeout(Duration.ofMillis(sessionMillis))
        .withConnectTimeout(Duration.ofSeconds(connectSeconds));
    String auth = System.getenv("DYAD_ZK_AUTH");
    if (auth != null && !auth.isBlank()) {
      return c.withDigest(auth);
    }
    return secret.map(s -> c.withDigests(s.zooKeeperDigests())).orElse(c);
  }
}
