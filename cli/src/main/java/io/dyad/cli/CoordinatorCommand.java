package io.dyad.cli;

import io.dyad.common.DyadException;
import io.dyad.common.ServiceStack;
import io.dyad.coordinator.failover.CoordinatorConfig;
import io.dyad.coordinator.failover.CoordinatorService;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.coordinator.ZkSession;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dyad coordinator}: one coordinator; run several, a leader latch picks the one that acts. */
@Command(name = "coordinator", mixinStandardHelpOptions = true,
    description = "Run a coordinator in the foreground. Run several: one leads and declares failover and failback.")
final class CoordinatorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ZkOptions zk;

  @Mixin SecurityOptions secret;

  @Option(names = "--id", description = "Coordinator id (default: HOST-PID).")
  String id;

  @Option(names = "--grace-ms", defaultValue = "3000",
      description = "How long a member's liveness must stay gone before it is failed over (default: ${DEFAULT-VALUE}).")
  long graceMs;

  @Override
  public Integer call() throws DyadException {
    LogLevels.forDaemon();
    String coordinatorId = id != null ? id : ManagementFactory.getRuntimeMXBean().getName().replace('@', '-');
    try (ZkSession session = ZkSession.connect(zk.config(secret.load()))) {
      ClusterView view = session.clusterView();
      CoordinatorService coordinator = session.coordinator(view,
          new CoordinatorConfig(coordinatorId, Duration.ofMillis(graceMs)));
      ServiceStack stack = new ServiceStack("coordinator-" + coordinatorId, List.of(view, coordinator), Duration.ofSeconds(15));
      return DaemonRunner.run("coordinator " + coordinatorId, List.of(stack), () -> {
        spec.commandLine().getOut().printf("coordinator %s running (ZooKeeper %s)%n", coordinatorId, zk.connectString());
        spec.commandLine().getOut().flush();
      }, spec.commandLine().getErr());
    }
  }
}
