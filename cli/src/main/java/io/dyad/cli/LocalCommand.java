package io.dyad.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dyad local}: the whole object cluster on this machine, in one command. */
@Command(name = "local", mixinStandardHelpOptions = true,
    description = "Run a whole Dyad cluster on this machine: an embedded ZooKeeper, center A on 127.0.1.x and "
        + "center B on 127.0.2.x with three storage nodes and two directory servers each, a coordinator, a DOSM and "
        + "a DDM, with access control under the secret in DATA/secret. Prints the environment the other commands "
        + "need on its ready line.")
final class LocalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DosmOptions dosm;

  @Option(names = "--data", defaultValue = "dyad-local", description = "Where everything is kept (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--zk-port", defaultValue = "2181", description = "ZooKeeper's port (default: ${DEFAULT-VALUE}).")
  int zkPort;

  @Option(names = "--node-port", defaultValue = "9100", description = "Every storage node's port (default: ${DEFAULT-VALUE}).")
  int nodePort;

  @Option(names = "--directory-port", defaultValue = "9110",
      description = "Every directory server's port (default: ${DEFAULT-VALUE}).")
  int directoryPort;

  @Option(names = "--dosm-port", defaultValue = "9200", description = "The DOSM's port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int dosmPort;

  @Option(names = "--ddm-port", defaultValue = "9300", description = "The DDM's port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int ddmPort;

  @Option(names = "--no-tls",
      description = "Plain links instead of TLS (for a new cluster; an existing one keeps what it was started with).")
  boolean noTls;

  @Option(names = "--node-processes",
      description = "Run storage nodes and directory servers as separate processes (so that one can be killed).")
  boolean nodeProcesses;

  @Override
  public Integer call() {
    LogLevels.forDaemon();
    LocalCluster cluster = new LocalCluster(new LocalCluster.Options(data.toAbsolutePath(), zkPort, nodePort,
        directoryPort, dosmPort, ddmPort, dosm, nodeProcesses, Duration.ofSeconds(4), Duration.ofSeconds(2),
        nodeProcesses, !noTls),
        spec.commandLine().getOut());
    return DaemonRunner.run("local", List.of(cluster), () -> {
      // the line a user copies: the shell assignments every other command reads
      spec.commandLine().getOut().printf("dyad local ready: export %s%n", cluster.exports());
      spec.commandLine().getOut().flush();
    }, spec.commandLine().getErr());
  }
}
