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
    description = "Run a whole Dyad object cluster on this machine: an embedded ZooKeeper, center A on 127.0.1.x and "
        + "center B on 127.0.2.x with three storage nodes each, a coordinator and a DOSM.")
final class LocalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DosmOptions dosm;

  @Option(names = "--data", defaultValue = "dyad-local", description = "Where everything is kept (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--zk-port", defaultValue = "2181", description = "ZooKeeper's port (default: ${DEFAULT-VALUE}).")
  int zkPort;

  @Option(names = "--node-port", defaultValue = "9100", description = "Every storage node's port (default: ${DEFAULT-VALUE}).")
  int nodePort;

  @Option(names = "--dosm-port", defaultValue = "9200", description = "The DOSM's port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int dosmPort;

  @Option(names = "--node-processes", description = "Run storage nodes as separate processes (so that one can be killed).")
  boolean nodeProcesses;

  @Override
  public Integer call() {
    LogLevels.forDaemon();
    LocalCluster cluster = new LocalCluster(new LocalCluster.Options(data.toAbsolutePath(), zkPort, nodePort, dosmPort, dosm,
        nodeProcesses, Duration.ofSeconds(4), Duration.ofSeconds(2)), spec.commandLine().getOut());
    return DaemonRunner.run("local", List.of(cluster), () -> {
      spec.commandLine().getOut().printf("dyad local ready: export DYAD_ZK=%s, then e.g. 'dyad object put FILE'%n",
          cluster.zkConnect());
      spec.commandLine().getOut().flush();
    }, spec.commandLine().getErr());
  }
}
