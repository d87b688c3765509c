package io.dyad.cli;

import io.dyad.coordinator.zk.ZkConfig;
import java.time.Duration;
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

  ZkConfig config() {
    ZkConfig c = ZkConfig.of(connectString()).withSessionTimeout(Duration.ofMillis(sessionMillis))
        .withConnectTimeout(Duration.ofSeconds(connectSeconds));
    String auth = System.getenv("DYAD_ZK_AUTH");
    return auth == null || auth.isBlank() ? c : c.withDigest(auth);
  }
}
