package io.dyad.cli;

import io.dyad.common.DyadException;
import io.dyad.common.access.ClusterSecret;
import io.dyad.common.access.PrivateFiles;
import io.dyad.coordinator.zk.ZkConfig;
import io.dyad.coordinator.zk.ZkTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

  @Option(names = "--zk-tls-ca", paramLabel = "FILE",
      description = "TLS to ZooKeeper (its secure client port), trusting the CA in this PEM file (default: "
          + "$DYAD_ZK_TLS_CA).")
  Path tlsCa;

  @Option(names = "--zk-tls-keystore", paramLabel = "FILE",
      description = "This side's key and certificate for ZooKeeper: one PEM file holding both, or PKCS#12 (default: "
          + "$DYAD_ZK_TLS_KEYSTORE).")
  Path tlsKeyStore;

  @Option(names = "--zk-tls-keystore-password-file", paramLabel = "FILE",
      description = "File whose first line is the password of --zk-tls-keystore (readable by its owner only).")
  Path tlsKeyStorePassword;

  String connectString() {
    if (connect != null && !connect.isBlank()) {
      return connect;
    }
    String env = System.getenv("DYAD_ZK");
    return env == null || env.isBlank() ? ZkConfig.DEFAULT_CONNECT : env;
  }

  /** TLS to ZooKeeper if a CA was given (option or environment). */
  Optional<ZkTls> tls() throws DyadException {
    Optional<Path> ca = FileOptions.optionOrEnv(tlsCa, "DYAD_ZK_TLS_CA");
    if (ca.isEmpty()) {
      return Optional.empty();
    }
    Optional<Path> keyStore = FileOptions.optionOrEnv(tlsKeyStore, "DYAD_ZK_TLS_KEYSTORE");
    Optional<String> password = Optional.empty();
    if (keyStore.isPresent()) {
      PrivateFiles.checkOwnerOnly(keyStore.get(), "the ZooKeeper TLS keystore");
    }
    if (tlsKeyStorePassword != null) {
      PrivateFiles.checkOwnerOnly(tlsKeyStorePassword, "the ZooKeeper TLS keystore password file");
      try {
        List<String> lines = Files.readAllLines(tlsKeyStorePassword, StandardCharsets.UTF_8);
        password = Optional.of(lines.isEmpty() ? "" : lines.get(0));
      } catch (IOException e) {
        throw DyadException.invalidArgument("cannot read " + tlsKeyStorePassword + ": " + e.getMessage());
      }
    }
    return Optional.of(new ZkTls(ca.get(), keyStore, password));
  }


  /** Without credentials (unless $DYAD_ZK_AUTH gives some): enough to read, not to change anything under /dyad. */
  ZkConfig config() throws DyadException {
    return config(Optional.empty());
  }

  /**
   * With the ZooKeeper identity of the cluster's daemons, derived from the cluster secret ($DYAD_ZK_AUTH, if set,
   * wins): znodes are created writable by that identity only, readable by all.
   */
  ZkConfig config(Optional<ClusterSecret> secret) throws DyadException {
    ZkConfig c = ZkConfig.of(connectString()).withSessionTimeout(Duration.ofMillis(sessionMillis))
        .withConnectTimeout(Duration.ofSeconds(connectSeconds)).withTls(tls());
    String auth = System.getenv("DYAD_ZK_AUTH");
    if (auth != null && !auth.isBlank()) {
      return c.withDigest(auth);
    }
    return secret.map(s -> c.withDigests(s.zooKeeperDigests())).orElse(c);
  }
}
