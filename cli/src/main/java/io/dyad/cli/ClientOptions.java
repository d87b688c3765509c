package io.dyad.cli;

import com.google.common.net.HostAndPort;
import io.dyad.client.ClientConfig;
import io.dyad.client.DyadClient;
import io.dyad.common.DyadException;
import io.dyad.common.access.ClusterSecret;
import io.dyad.common.access.Locator;
import io.dyad.common.access.Locators;
import io.dyad.coordinator.model.GatewayInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How object commands reach the cluster: the gateways given with {@code --gateway} (or {@code $DYAD_GATEWAYS},
 * comma-separated), else the DOSMs registered in ZooKeeper ({@code --zk}, {@code $DYAD_ZK}). The client learns the
 * other live gateways from the first that answers.
 */
final class ClientOptions {
  @Mixin ZkOptions zk;
  @Mixin SecurityOptions secret;

  @Option(names = {"--gateway", "--dosm"}, converter = HostPortConverter.class, paramLabel = "HOST:PORT",
      description = "A gateway (DOSM) to start from (repeatable); default: $DYAD_GATEWAYS, else the DOSMs registered "
          + "in ZooKeeper.")
  List<HostAndPort> gateways;

  @Option(names = "--via-gateway", description = "Read object bytes through a gateway instead of straight from the "
      + "storage node that serves them (for a client that cannot reach the storage nodes).")
  boolean viaGateway;

  DyadClient connect() throws DyadException {
    return DyadClient.connect(config());
  }

  /**
   * Where the client starts, and — when a cluster secret is at hand — the operator's credential it presents (a
   * short-lived ADMIN locator, signed afresh as it nears its end).
   */
  ClientConfig config() throws DyadException {
    ClientConfig plain = ClientConfig.of(seeds()).withDirectReads(!viaGateway);
    ClientConfig c = plain.withThrift(plain.thrift().withTls(secret.tls.load()));
    Optional<ClusterSecret> s = secret.load();
    if (s.isEmpty()) {
      return c;
    }
    Locators locators = new Locators(s.get(), Clock.systemUTC());
    return c.withCredential(() -> locators.sign(Locator.Operation.ADMIN, Locator.ANY_OBJECT, Duration.ofMinutes(10)));
  }

  /** The gateways to start from. */
  List<HostAndPort> seeds() throws DyadException {
    if (gateways != null && !gateways.isEmpty()) {
      return gateways;
    }
    String env = System.getenv("DYAD_GATEWAYS");
    if (env != null && !env.isBlank()) {
      List<HostAndPort> out = new ArrayList<>();
      for (String part : env.split(",")) {
        if (!part.isBlank()) {
          out.add(HostPortConverter.parse(part.trim(), "$DYAD_GATEWAYS"));
        }
      }
      return out;
    }
    try (ClusterSession session = ClusterSession.open(zk.config())) {
      List<HostAndPort> out = new ArrayList<>();
      for (GatewayInfo g : session.snapshot().dosms().values()) {
        out.add(HostAndPort.fromString(g.address()));
      }
      if (out.isEmpty()) {
        throw new DyadException(io.dyad.common.ErrorCode.UNAVAILABLE, "no DOSM is running (none registered under "
            + "/dyad/dosm at " + zk.connectString() + "); start one with 'dyad dosm', or give --gateway HOST:PORT");
      }
      return out;
    }
  }
}
