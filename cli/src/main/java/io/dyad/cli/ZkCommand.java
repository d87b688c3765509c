package io.dyad.cli;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dyad zk}: a real standalone ZooKeeper server, for one machine (development, CI, demos). */
@Command(name = "zk", mixinStandardHelpOptions = true,
    description = "Run a standalone ZooKeeper server in the foreground (one machine only; use an ensemble in production).")
final class ZkCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DaemonModeOptions daemonMode;

  @Option(names = "--data", required = true, description = "Data directory (created if missing).")
  Path data;

  @Option(names = "--port", defaultValue = "2181", description = "Client port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--tick-ms", defaultValue = "500",
      description = "ZooKeeper tick; sessions may last 2 to 20 ticks (default: ${DEFAULT-VALUE}).")
  int tickMs;

  @Option(names = "--tls-keystore", paramLabel = "PEM",
      description = "Serve TLS only, with this PEM file's private key and certificate chain (with --tls-ca).")
  Path tlsKeyStore;

  @Option(names = "--tls-ca", paramLabel = "PEM",
      description = "With --tls-keystore: the CA whose client certificates are accepted (clients must present one).")
  Path tlsCa;

  @Override
  public Integer call() throws io.dyad.common.DyadException {
    if (daemonMode.daemon) {
      return daemonMode.detach(spec, "zk", null);
    }
    if ((tlsKeyStore == null) != (tlsCa == null)) {
      throw io.dyad.common.DyadException.invalidArgument("give --tls-keystore and --tls-ca together");
    }
    LogLevels.forDaemon();
    EmbeddedZooKeeper zk = new EmbeddedZooKeeper(data, new InetSocketAddress(host, port), tickMs,
        java.util.Optional.ofNullable(tlsKeyStore).map(k -> new EmbeddedZooKeeper.SecurePort(k, tlsCa)));
    daemonMode.followParent();
    return DaemonRunner.run("zk", List.of(zk), () -> {
      spec.commandLine().getOut().printf("zookeeper listening on %s (data %s)%n", zk.connectString(), data.toAbsolutePath());
      spec.commandLine().getOut().flush();
    }, spec.commandLine().getErr(), daemonMode.pidFile("zk", null));
  }
}
