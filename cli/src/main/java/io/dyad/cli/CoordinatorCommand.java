package io.dyad.cli;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.google.common.util.concurrent.Service;
import io.dyad.common.DyadException;
import io.dyad.coordinator.Coordination;
import io.dyad.coordinator.ZkSession;
import io.dyad.coordinator.failover.CoordinatorAssembly;
import io.dyad.coordinator.failover.CoordinatorConfig;
import io.dyad.coordinator.failover.CoordinatorService;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.server.ServiceStack;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
  @Mixin DaemonOptions daemon;

  @Mixin SecurityOptions secret;

  @Option(names = "--id", description = "Coordinator id (default: HOST-PID).")
  String id;

  @Option(names = "--grace-ms", defaultValue = "3000",
      description = "How long a member's liveness must stay gone before it is failed over (default: ${DEFAULT-VALUE}).")
  long graceMs;

  @Override
  public Integer call() throws DyadException {
    return daemon.run(spec, "coordinator", id, this::serve);
  }

  private int serve() throws DyadException {
    String coordinatorId = id != null ? id : ManagementFactory.getRuntimeMXBean().getName().replace('@', '-');
    try (ZkSession session = ZkSession.connect(daemon.zk.config(secret.load()))) {
      ClusterView view = session.clusterView();
      CoordinatorService coordinator = CoordinatorAssembly.create(
          new CoordinatorConfig(coordinatorId, Duration.ofMillis(graceMs)), new Coordination(session, view));
      ServiceStack stack = new ServiceStack("coordinator-" + coordinatorId, List.of(view, coordinator), Duration.ofSeconds(15));
      Observability observed = new Observability(new MetricRegistry(), new HealthCheckRegistry())
          .zooKeeper(session).cluster(view);
      observed.metrics().register("coordinator.leading", (Gauge<Integer>) () -> coordinator.isActing() ? 1 : 0);
      List<Service> services = new ArrayList<>(List.of(stack));
      services.addAll(daemon.admin.server("coordinator " + coordinatorId, Optional.empty(), observed, () -> Map.of(
          "coordinator", coordinatorId, "leading", coordinator.isActing(), "epoch", view.current().epoch(),
          "leader", view.current().coordinatorLeader().orElse(""))));
      return DaemonRunner.run("coordinator " + coordinatorId, services, () -> {
        spec.commandLine().getOut().printf("coordinator %s running (ZooKeeper %s)%n", coordinatorId, daemon.zk.connectString());
        spec.commandLine().getOut().flush();
      }, spec.commandLine().getErr(), daemon.mode.pidFile("coordinator", id));
    }
  }
}
