package io.dyad.cli;

import com.google.common.net.HostAndPort;
import io.dyad.dosm.DosmConfig;
import io.dyad.dosm.PutLimits;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.rpc.server.ThriftServerConfig;
import io.dyad.search.MulticastSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The settings of a DOSM, shared by {@code dyad dosm} and {@code dyad local}. */
public final class DosmOptions {
  @Option(names = "--search", defaultValue = "multicast",
      description = "How to search for objects not where placement says: multicast or point-to-point (default: ${DEFAULT-VALUE}).")
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

  @Option(names = "--node-timeout-ms", defaultValue = "3000",
      description = "How long a storage node may take to answer before its partner is tried (default: ${DEFAULT-VALUE}).")
  long nodeTimeoutMs;

  @Option(names = "--max-chunk-kib", defaultValue = "4096",
      description = "Largest chunk a client may send or ask for, in KiB; at most the nodes' (default: ${DEFAULT-VALUE}).")
  int maxChunkKib;

  @Mixin ServerOptions server;

  @Option(names = "--put-idle-seconds", defaultValue = "120",
      description = "Abort a put that sends nothing for this long (default: ${DEFAULT-VALUE}).")
  long putIdleSeconds;

  @Option(names = "--put-idle-seconds-under-pressure", defaultValue = "15",
      description = "Abort a put that sends nothing for this long once half of the DOSM's puts are open, or when its "
          + "address is at --max-puts-per-address (default: ${DEFAULT-VALUE}).")
  long putIdleSecondsUnderPressure;

  @Option(names = "--max-puts-per-connection", defaultValue = "64",
      description = "Puts one client connection may have open at once (default: ${DEFAULT-VALUE}).")
  int maxPutsPerConnection;

  @Option(names = "--max-puts-per-address", defaultValue = "256",
      description = "Puts the connections of one client address may have open at once (default: ${DEFAULT-VALUE}).")
  int maxPutsPerAddress;

  @Option(names = "--max-connections-per-node", defaultValue = "64",
      description = "Connections to one storage node at most (default: ${DEFAULT-VALUE}).")
  int maxConnectionsPerNode;

  @Option(names = "--rebalance-mib-per-second", defaultValue = "64",
      description = "The most MiB per second this DOSM copies when it is the one rebalancing after a pair was added "
          + "(default: ${DEFAULT-VALUE}; 0: this DOSM never rebalances).")
  long rebalanceMibPerSecond;

  @picocli.CommandLine.Mixin SecurityOptions secret;

  /** What the DOSM role is assembled from: these options, for this instance listening there. */
  io.dyad.dosm.DosmAssembly.Config assembly(String instance, HostAndPort listen) throws io.dyad.common.DyadException {
    return new io.dyad.dosm.DosmAssembly.Config(config(instance, listen), rebalanceMibPerSecond);
  }

  DosmConfig config(String instance, HostAndPort listen) throws io.dyad.common.DyadException {
    int chunk = Math.multiplyExact(maxChunkKib, 1024);
    ThriftServerConfig serverConfig = server.config(new InetSocketAddress(listen.getHost(), listen.getPort()), chunk)
        .withTls(secret.tls.loadForDaemon("dosm " + instance));
    ThriftClientConfig nodes = ThriftClientConfig.defaults().withRequestTimeout(Duration.ofMillis(nodeTimeoutMs))
        .withConnectTimeout(Duration.ofMillis(Math.min(2000, nodeTimeoutMs))).withTls(serverConfig.tls());
    return new DosmConfig(instance, serverConfig, nodes, chunk, search,
        new MulticastSettings(multicastInterface, multicastTtl), Duration.ofMillis(searchTimeoutMs),
        new PutLimits(Duration.ofSeconds(putIdleSeconds), Duration.ofSeconds(Math.min(putIdleSeconds,
            putIdleSecondsUnderPressure)), PutLimits.defaults().maxOpen(), maxPutsPerConnection, maxPutsPerAddress),
        maxConnectionsPerNode, secret.load());
  }
}
