package io.dyad.cli;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.google.common.net.HostAndPort;
import com.google.common.util.concurrent.Service;
import io.dyad.common.DyadException;
import io.dyad.coordinator.Coordination;
import io.dyad.coordinator.ZkSession;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.dosm.Dosm;
import io.dyad.dosm.DosmAssembly;
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

/** {@code dyad dosm}: one object gateway. Run several; clients find them in ZooKeeper. */
@Command(name = "dosm", mixinStandardHelpOptions = true,
    description = "Run a DOSM (object gateway) in the foreground. Run several; clients find them in ZooKeeper.")
final class DosmCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DaemonOptions daemon;
  @Mixin DosmOptions options;

  @Option(names = "--listen", required = true, converter = HostPortConverter.class,
      description = "HOST:PORT to serve the object API on, e.g. 127.0.0.1:9200 (port 0 picks a free one).")
  HostAndPort listen;

  @Option(names = "--id", description = "Instance id (default: HOST-PID).")
  String id;


  @Override
  public Integer call() throws DyadException {
    return daemon.run(spec, "dosm", id, this::serve);
  }

  private int serve() throws DyadException {
    String instance = id != null ? id : ManagementFactory.getRuntimeMXBean().getName().replace('@', '-');
    try (ZkSession session = ZkSession.connect(daemon.zk.config(options.secret.load()))) {
      ClusterView view = session.clusterView();
      Observability observed = new Observability(new MetricRegistry(), new HealthCheckRegistry())
          .zooKeeper(session).cluster(view);
      Dosm dosm = DosmAssembly.create(options.assembly(instance, listen), new Coordination(session, view),
          observed.metrics());
      ServiceStack stack = new ServiceStack("dosm-" + instance, List.of(view, dosm.service()), Duration.ofSeconds(20));
      List<Service> services = new ArrayList<>(List.of(stack));
      services.addAll(daemon.admin.server("dosm " + instance, Optional.empty(), observed,
          () -> Map.of("rates", observed.keyRates("dosm"), "instance", instance,
          "address", listen.toString(), "epoch", view.current().epoch(), "search", options.search)));
      return DaemonRunner.run("dosm " + instance, services, () -> {
        spec.commandLine().getOut().printf("dosm %s listening on %s:%d (search: %s)%n", instance,
            dosm.address().getAddress().getHostAddress(), dosm.address().getPort(), options.search);
        spec.commandLine().getOut().flush();
      }, spec.commandLine().getErr(), daemon.mode.pidFile("dosm", id));
    }
  }
}
