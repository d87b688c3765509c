package io.dyad.cli;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.google.common.net.HostAndPort;
import com.google.common.util.concurrent.Service;
import io.dyad.common.DyadException;
import io.dyad.coordinator.Coordination;
import io.dyad.coordinator.ZkSession;
import io.dyad.coordinator.fencing.MemberGate;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.directory.server.DirectoryAssembly;
import io.dyad.directory.server.DirectoryConfig;
import io.dyad.directory.server.DirectoryMember;
import io.dyad.search.MulticastSettings;
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

/** {@code dyad directory}: one directory server in the foreground, a member of the cluster. */
@Command(name = "directory", mixinStandardHelpOptions = true,
    description = "Run a directory server in the foreground: keeps volumes (directories and files) under --data "
        + "and serves them over Thrift, as the declared directory member --id of the cluster at --zk (or $DYAD_ZK).")
final class DirectoryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DaemonOptions daemon;

  @Option(names = "--id", required = true, description = "Member id of this directory server, e.g. da1.")
  String id;

  @Option(names = "--data", required = true, description = "Data directory (created if missing).")
  Path data;

  @Option(names = "--listen", converter = HostPortConverter.class,
      description = "HOST:PORT to serve Thrift on; defaults to the member's declared address and must equal it.")
  HostAndPort listen;

  @Option(names = "--patience-seconds", defaultValue = "5",
      description = "How long a change waits for the partner directory before the caller is told to retry "
          + "(default: ${DEFAULT-VALUE}).")
  long patienceSeconds;

  @Option(names = "--log-retention", defaultValue = "1000000",
      description = "Changes kept in each volume's log for a partner that falls behind; further behind, it is "
          + "rebuilt from a snapshot (default: ${DEFAULT-VALUE}).")
  long logRetention;

  @Option(names = "--garbage-every-seconds", defaultValue = "30",
      description = "How often the garbage of the volumes this server is primary for is looked at (default: "
          + "${DEFAULT-VALUE}).")
  long garbageEverySeconds;

  @Option(names = "--multicast-interface", defaultValue = "lo",
      description = "Network interface on which to answer multicast volume search, if the center has a group "
          + "(default: ${DEFAULT-VALUE}).")
  String multicastInterface;

  @Mixin SecurityOptions secret;
  @Mixin UpgradeOptions upgrade;
  @Mixin ServerOptions server;

  @Override
  public Integer call() throws DyadException {
    return daemon.run(spec, "directory", id, this::serve);
  }

  private int serve() throws DyadException {
    ZkSession session = ZkSession.connect(daemon.zk.config(secret.load()));
    ClusterView view = session.clusterView();
    try {
      view.startAsync().awaitRunning();
      MemberInfo member = declared(view);
      HostAndPort address = HostAndPort.fromString(member.address());
      InetSocketAddress bind = new InetSocketAddress(address.getHost(), address.getPort());
      if (bind.isUnresolved()) {
        throw DyadException.invalidArgument("cannot resolve the host of " + address);
      }
      DirectoryConfig config = new DirectoryConfig(id, data, server.config(bind, DirectoryConfig.MAX_REPLY_CHUNK)
          .withTls(secret.tls.loadForDaemon("directory server " + id)),
          Duration.ofSeconds(patienceSeconds), logRetention, Duration.ofSeconds(garbageEverySeconds), secret.load())
          .withAcceptUnboundProofs(upgrade.acceptUnboundProofs);
      Observability observed = new Observability(new MetricRegistry(), new HealthCheckRegistry());
      DirectoryMember directory = DirectoryAssembly.create(new DirectoryAssembly.Config(config, member,
          Optional.of(new MulticastSettings(multicastInterface, 0))), new Coordination(session, view),
          observed.metrics());
      observed.zooKeeper(session).dataDirectory(data, 0).cluster(view).member(id, view, () -> {
        MemberGate.Status s = directory.status();
        return s.name().equals("FENCED") ? Optional.of(s.detail()) : Optional.empty();
      });
      List<Service> services = new ArrayList<>(List.of(directory.service()));
      services.addAll(daemon.admin.server("directory " + id, Optional.ofNullable(member.adminAddress()), observed, () -> {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("member", id);
        out.put("state", directory.status().name());
        out.put("detail", directory.status().detail());
        out.put("epoch", view.current().epoch());
        out.put("rates", observed.keyRates("directory"));
        return out;
      }));
      return DaemonRunner.run("directory " + id, services, () -> {
        InetSocketAddress a = directory.address();
        spec.commandLine().getOut().printf("directory server %s listening on %s:%d (data %s, cluster %s)%n", id,
            a.getAddress().getHostAddress(), a.getPort(), data.toAbsolutePath(), daemon.zk.connectString());
        spec.commandLine().getOut().flush();
      }, spec.commandLine().getErr(), daemon.mode.pidFile("directory", id));
    } catch (IllegalArgumentException e) {
      throw DyadException.invalidArgument(e.getMessage());
    } finally {
      view.stopAsync().awaitTerminated();
      session.close();
    }
  }

  /** The member's declaration, checked against --listen. */
  private MemberInfo declared(ClusterView view) throws DyadException {
    return DeclaredMember.of(view, id, MemberKind.DIRECTORY, "a directory server", listen, daemon.zk.connectString());
  }
}
