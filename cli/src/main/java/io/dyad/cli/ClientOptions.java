package io.dyad.cli;

import com.google.common.net.HostAndPort;
import io.dyad.client.ClientConfig;
import io.dyad.client.DyadClient;
import io.dyad.common.DyadException;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How object commands reach the cluster: DOSMs found through ZooKeeper, or given with --dosm. */
final class ClientOptions {
  @Mixin ZkOptions zk;

  @Option(names = "--dosm", converter = HostPortConverter.class, paramLabel = "HOST:PORT",
      description = "A DOSM to use (repeatable); default: the DOSMs registered in ZooKeeper.")
  List<HostAndPort> dosms;

  DyadClient connect() throws DyadException {
    ClientConfig config = dosms == null || dosms.isEmpty() ? ClientConfig.discover(zk.config()) : ClientConfig.fixed(dosms);
    return DyadClient.connect(config);
  }
}
