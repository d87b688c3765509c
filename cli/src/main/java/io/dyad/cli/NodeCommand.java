package io.dyad.cli;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.google.common.net.HostAndPort;
import com.google.common.util.concurrent.Service;
import io.dyad.common.DyadException;
import io.dyad.coordinator.Coordination;
import io.dyad.coordinator.ZkSession;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.node.StorageNodeAssembly;
import io.dyad.node.server.StorageNode;
import io.dyad.node.server.StorageNodeConfig;
import io.dyad.node.store.StoreConfig;
import io.dyad.search.MulticastSettings;
import io.dyad.server.ServiceStack;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dyad node}: one storage node in the foreground, registered in the cluster when ZooKeeper is given. */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Run a storage node in the foreground: stores objects under --data and serves them over Thrift. "
        + "With --zk (or $DYAD_ZK) it joins the cluster as the declared member --id.")
final class NodeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DaemonOptions daemon;

  @Option(names = "--id", required = true, description = "Member id of this node, e.g. a1.")
  String id;

  @Option(names = "--data", required = true, description = "Data directory (created if missing).")
  Path data;

  @Option(names = "--listen", converter = HostPortConverter.class,
      description = "HOST:PORT to serve Thrift on, e.g. 127.0.1.11:9100 (port 0 picks a free one). "
          + "In a cluster it defaults to the member's declared address and must equal it.")
  HostAndPort listen;

  @Option(names = "--standalone", description = "Do not join a cluster even if $DYAD_ZK is set.")
  boolean standalone;

  @Option(names = "--max-chunk-kib", defaultValue = "4096",
      description = "Largest chunk accepted or returned, in KiB (default: ${DEFAULT-VALUE}).")
  int maxChunkKib;

  @Option(names = "--reserve-mib", defaultValue = "256",
      description = "Free space writes may not use, in MiB (default: ${DEFAULT-VALUE}).")
  long reserveMib;

  @Mixin ServerOptions server;

  @Option(names = "--session-idle-seconds", defaultValue = "600",
      description = "Abort write sessions idle this long (default: ${DEFAULT-VALUE}).")
  long sessionIdleSeconds;

  @Option(names = "--session-idle-seconds-under-pressure", defaultValue = "30",
      description = "Abort write sessions idle this long once three quarters of --max-write-sessions are open "
          + "(default: ${DEFAULT-VALUE}).")
  long sessionIdleSecondsUnderPressure;

  @Option(names = "--max-write-sessions", defaultValue = "1024",
      description = "Write sessions open at once (each holds two files) (default: ${DEFAULT-VALUE}).")
  int maxWriteSessions;

  @Option(names = "--write-sessions-per-gateway", defaultValue = "64",
      description = "Write sessions kept for each gateway, that no other gateway may take (default: ${DEFAULT-VALUE}).")
  int writeSessionsPerGateway;

  @Mixin SecurityOptions secret;
  @Mixin UpgradeOptions upgrade;

  @Option(names = "--multicast-interface", defaultValue = "lo",
      description = "Network interface for multicast search (default: ${DEFAULT-VALUE}).")
  String multicastInterface;

  @Option(names = "--hint-handoff-seconds", defaultValue = "10",
      description = "How often a serving node collects objects its partner holds hints for (default: ${DEFAULT-VALUE}).")
  long handoffSeconds;

  @Override
  public Integer call() throws DyadException {
    return daemon.run(spec, "node", id, this::serve);
  }

  private int serve() throws DyadException {
    boolean clustered = !standalone && (daemon.zk.connect != null || System.getenv("DYAD_ZK") != null);
    if (!clustered && listen == null) {
      throw DyadException.invalidArgument("--listen is needed for a standalone node (or give --zk to join a cluster)");
    }
    ZkSession session = clustered ? ZkSession.connect(daemon.zk.config(secret.load())) : null;
    ClusterView view = null;
    try {
      List<Service> parts = new ArrayList<>();
      StorageNode node;
      Observability observed = new Observability(new MetricRegistry(), new HealthCheckRegistry());
      Optional<String> declaredAdmin = Optional.empty();
      if (clustered) {
        view = session.clusterView();
        view.startAsync().awaitRunning();
        MemberInfo declaration = declared(view);
        declaredAdmin = Optional.ofNullable(declaration.adminAddress());
        StorageNodeAssembly member = StorageNodeAssembly.create(new StorageNodeAssembly.Config(
            config(HostAndPort.fromString(declaration.address())), declaration, new MulticastSettings(multicastInterface, 0),
            Duration.ofSeconds(handoffSeconds), secret.load(), upgrade.acceptUnboundProofs),
            new Coordination(session, view), observed.metrics());
        node = member.node();
        parts.add(member.service());
        observed.zooKeeper(session).member(id, view, () -> member.registration().mayAcceptWrites() ? Optional.empty()
            : Optional.of("its registration lease in ZooKeeper is not valid, so it refuses writes")).cluster(view);
      } else {
        node = StorageNodeAssembly.standalone(config(listen), observed.metrics());
        parts.add(node.service());
      }
      observed.dataDirectory(data, Math.multiplyExact(reserveMib, 1024L * 1024)).store(node.store());
      ClusterView seen = view;
      parts.addAll(daemon.admin.server("node " + id, declaredAdmin, observed, () -> {
        Map<String, Object> out = status(node, seen);
        out.put("rates", observed.keyRates("storage"));
        return out;
      }));
      ServiceStack stack = new ServiceStack("node-" + id, parts, Duration.ofSeconds(20));
      return DaemonRunner.run("node " + id, List.of(stack), () -> {
        InetSocketAddress a = node.address();
        spec.commandLine().getOut().printf("storage node %s listening on %s:%d (data %s%s)%n", id,
            a.getAddress().getHostAddress(), a.getPort(), data.toAbsolutePath(),
            clustered ? ", cluster " + daemon.zk.connectString() : ", standalone");
        spec.commandLine().getOut().flush();
      }, spec.commandLine().getErr(), daemon.mode.pidFile("node", id));
    } finally {
      if (view != null) {
        view.stopAsync().awaitTerminated();
      }
      if (session != null) {
        session.close();
      }
    }
  }

  /** What /status shows: where it serves, its store, and its state in the cluster. */
  private Map<String, Object> status(StorageNode node, ClusterView view) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("member", id);
    out.put("address", node.address().getAddress().getHostAddress() + ":" + node.address().getPort());
    out.put("data", data.toAbsolutePath().toString());
    try {
      out.put("store", node.store().status());
    } catch (DyadException e) {
      out.put("store", "unavailable: " + e.getMessage());
    }
    if (view != null) {
      out.put("epoch", view.current().epoch());
      out.put("live", view.current().isLive(id));
      out.put("serving", view.current().isServing(id));
      view.current().failover(id).ifPresent(f -> out.put("failover", f));
      Optional.ofNullable(view.current().resync().get(id)).ifPresent(r -> out.put("resync", r));
    }
    return out;
  }

  /** The member's declaration, checked against --listen. */
  private MemberInfo declared(ClusterView view) throws DyadException {
    return DeclaredMember.of(view, id, MemberKind.STORAGE, "a storage node", listen, daemon.zk.connectString());
  }

  /** The node's store and server settings from its options, listening on {@code address}. */
  StorageNodeConfig config(HostAndPort address) throws DyadException {
    StoreConfig store = StoreConfig.defaults(data)
        .withMaxChunkBytes(Math.multiplyExact(maxChunkKib, 1024))
        .withReserveBytes(Math.multiplyExact(reserveMib, 1024L * 1024))
        .withSessionIdleTimeout(Duration.ofSeconds(sessionIdleSeconds))
        .withSessionIdleTimeoutUnderPressure(Duration.ofSeconds(sessionIdleSecondsUnderPressure))
        .withSessionLimits(maxWriteSessions, writeSessionsPerGateway);
    InetSocketAddress bind = new InetSocketAddress(address.getHost(), address.getPort());
    if (bind.isUnresolved()) {
      throw new IllegalArgumentException("cannot resolve the host of " + address);
    }
    return new StorageNodeConfig(id, store, server.config(bind, store.maxChunkBytes())
        .withTls(secret.tls.loadForDaemon("storage node " + id)));
  }
}
