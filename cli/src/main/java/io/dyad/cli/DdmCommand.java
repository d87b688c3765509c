package io.dyad.cli;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.google.common.net.HostAndPort;
import com.google.common.util.concurrent.Service;
import io.dyad.common.DyadException;
import io.dyad.coordinator.Coordination;
import io.dyad.coordinator.ZkSession;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.ddm.gateway.Ddm;
import io.dyad.ddm.gateway.DdmAssembly;
import io.dyad.ddm.gateway.DdmConfig;
import io.dyad.ddm.gateway.VolumeSearchConfig;
import io.dyad.search.MulticastSettings;
import io.dyad.server.ServiceStack;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
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

/** {@code dyad ddm}: a DDM (the file API) in the foreground, registered under /dyad/ddm. */
@Command(name = "ddm", mixinStandardHelpOptions = true,
    description = "Run a DDM in the foreground: the file API (volumes, directories, files by path) over Thrift, in "
        + "front of the cluster's directory servers. Stateless: run as many as you like.")
final class DdmCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DaemonOptions daemon;
  @Mixin SecurityOptions secret;
  @Mixin ServerOptions server;

  @Option(names = "--listen", required = true, converter = HostPortConverter.class,
      description = "HOST:PORT to serve the file API on, e.g. 127.0.0.1:9300 (port 0 picks a free one).")
  HostAndPort listen;

  @Option(names = "--id", description = "Instance id (default: HOST-PID).")
  String id;

  @Option(names = "--search", defaultValue = "multicast",
      description = "How to search for the directory servers of a volume without a usable record: multicast or "
          + "point-to-point (default: ${DEFAULT-VALUE}).")
  String search;

  @Option(names = "--multicast-interface", defaultValue = "lo",
      description = "Network interface for multicast search (default: ${DEFAULT-VALUE}).")
  String multicastInterface;

  @Option(names = "--multicast-ttl", defaultValue = "0",
      description = "TTL of search datagrams: 0 stays on this host, 1 on the local network (default: ${DEFAULT-VALUE}).")
  int multicastTtl;

  @Option(names = "--search-timeout-ms", defaultValue = "300",
      description = "How long a search waits for a center's answers (default: ${DEFAULT-VALUE}).")
  long searchTimeoutMs;

  @Override
  public Integer call() throws DyadException {
    return daemon.run(spec, "ddm", id, this::serve);
  }

  private int serve() throws DyadException {
    String instance = id != null ? id : ManagementFactory.getRuntimeMXBean().getName().replace('@', '-');
    try (ZkSession session = ZkSession.connect(daemon.zk.config(secret.load()))) {
      ClusterView view = session.clusterView();
      view.startAsync().awaitRunning();
      try {
        Observability observed = new Observability(new MetricRegistry(), new HealthCheckRegistry())
            .zooKeeper(session).cluster(view);
        Ddm ddm = DdmAssembly.create(config(instance, listen), new Coordination(session, view), observed.metrics());
        ServiceStack stack = new ServiceStack("ddm-" + instance, List.of(ddm.service()), Duration.ofSeconds(20));
        List<Service> services = new ArrayList<>(List.of(stack));
        services.addAll(daemon.admin.server("ddm " + instance, Optional.empty(), observed,
          () -> Map.of("rates", observed.keyRates("ddm"), "instance", instance,
            "address", listen.toString(), "epoch", view.current().epoch(), "volumes", view.current().volumes().size())));
        return DaemonRunner.run("ddm " + instance, services, () -> {
          spec.commandLine().getOut().printf("ddm %s listening on %s:%d%n", instance,
              ddm.address().getAddress().getHostAddress(), ddm.address().getPort());
          spec.commandLine().getOut().flush();
        }, spec.commandLine().getErr(), daemon.mode.pidFile("ddm", id));
      } finally {
        view.stopAsync().awaitTerminated();
      }
    }
  }

  DdmConfig config(String instance, HostAndPort at) throws DyadException {
    InetSocketAddress bind = new InetSocketAddress(at.getHost(), at.getPort());
    VolumeSearchConfig volumeSearch;
    try {
      volumeSearch = new VolumeSearchConfig(search, new MulticastSettings(multicastInterface, multicastTtl),
          Duration.ofMillis(searchTimeoutMs));
    } catch (IllegalArgumentException e) {
      throw DyadException.invalidArgument(e.getMessage());
    }
    return DdmConfig.defaults(instance, server.config(bind, 1024 * 1024)
        .withTls(secret.tls.loadForDaemon("ddm " + instance)), secret.load()).withSearch(volumeSearch);
  }
}
