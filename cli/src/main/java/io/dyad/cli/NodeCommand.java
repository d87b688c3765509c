package io.dyad.cli;

import com.codahale.metrics.MetricRegistry;
import com.google.common.net.HostAndPort;
import io.dyad.node.server.StorageNode;
import io.dyad.node.server.StorageNodeConfig;
import io.dyad.node.store.StoreConfig;
import io.dyad.rpc.ThriftServerConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code dyad node}: one storage node in the foreground. */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Run a storage node in the foreground: stores objects under --data and serves them over Thrift.")
final class NodeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--id", required = true, description = "Member id of this node, e.g. a1.")
  String id;

  @Option(names = "--data", required = true, description = "Data directory (created if missing).")
  Path data;

  @Option(names = "--listen", required = true, converter = HostPortConverter.class,
      description = "HOST:PORT to serve Thrift on, e.g. 127.0.1.11:9100 (port 0 picks a free one).")
  HostAndPort listen;

  @Option(names = "--max-chunk-kib", defaultValue = "4096",
      description = "Largest chunk accepted or returned, in KiB (default: ${DEFAULT-VALUE}).")
  int maxChunkKib;

  @Option(names = "--reserve-mib", defaultValue = "256",
      description = "Free space writes may not use, in MiB (default: ${DEFAULT-VALUE}).")
  long reserveMib;

  @Option(names = "--max-connections", defaultValue = "128",
      description = "Connections served at once (default: ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(names = "--session-idle-seconds", defaultValue = "600",
      description = "Abort write sessions idle this long (default: ${DEFAULT-VALUE}).")
  long sessionIdleSeconds;

  @Override
  public Integer call() {
    LogLevels.forDaemon();
    StorageNodeConfig config = config();
    StorageNode node = StorageNode.create(config, new MetricRegistry());
    return DaemonRunner.run("node " + id, List.of(node.service()), () -> {
      InetSocketAddress a = node.address();
      spec.commandLine().getOut().printf("storage node %s listening on %s:%d (data %s)%n",
          id, a.getAddress().getHostAddress(), a.getPort(), data.toAbsolutePath());
      spec.commandLine().getOut().flush();
    }, spec.commandLine().getErr());
  }

  private StorageNodeConfig config() {
    StoreConfig store = StoreConfig.defaults(data)
        .withMaxChunkBytes(Math.multiplyExact(maxChunkKib, 1024))
        .withReserveBytes(Math.multiplyExact(reserveMib, 1024L * 1024))
        .withSessionIdleTimeout(Duration.ofSeconds(sessionIdleSeconds));
    InetSocketAddress bind = new InetSocketAddress(listen.getHost(), listen.getPort());
    if (bind.isUnresolved()) {
      throw new IllegalArgumentException("cannot resolve the host of --listen " + listen);
    }
    ThriftServerConfig server = ThriftServerConfig.forChunks(bind, store.maxChunkBytes())
        .withThreads(Math.min(4, maxConnections), maxConnections);
    return new StorageNodeConfig(id, store, server);
  }
}
