package io.dyad.client;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.net.HostAndPort;
import io.dyad.coordinator.zk.ZkConfig;
import io.dyad.rpc.ThriftClientConfig;
import java.util.List;
import java.util.Optional;

/**
 * How a client finds and talks to DOSMs. Immutable.
 *
 * @param dosms fixed DOSM addresses; if empty, DOSMs are discovered in ZooKeeper under /dyad/dosm
 * @param zk the cluster's ZooKeeper, for discovery
 * @param thrift connection timeouts and frame limit
 * @param chunkBytes chunk size for puts and gets (the DOSM may lower it)
 * @param attempts how many DOSMs an operation tries before giving up
 */
public record ClientConfig(List<HostAndPort> dosms, Optional<ZkConfig> zk, ThriftClientConfig thrift, int chunkBytes,
    int attempts) {

  public ClientConfig {
    dosms = List.copyOf(dosms);
    requireNonNull(zk, "zk");
    requireNonNull(thrift, "thrift");
    checkArgument(!dosms.isEmpty() || zk.isPresent(), "give DOSM addresses or a ZooKeeper to find them in");
    checkArgument(chunkBytes >= 4096, "chunkBytes must be at least 4096");
    checkArgument(attempts >= 1, "attempts must be at least 1");
  }

  /** Discover DOSMs through ZooKeeper. */
  public static ClientConfig discover(ZkConfig zk) {
    return new ClientConfig(List.of(), Optional.of(zk), ThriftClientConfig.defaults(), 1024 * 1024, 3);
  }

  /** Talk to these DOSMs. */
  public static ClientConfig fixed(List<HostAndPort> dosms) {
    return new ClientConfig(dosms, Optional.empty(), ThriftClientConfig.defaults(), 1024 * 1024, 3);
  }

  public ClientConfig withChunkBytes(int bytes) {
    return new ClientConfig(dosms, zk, thrift, bytes, attempts);
  }

  public ClientConfig withThrift(ThriftClientConfig t) {
    return new ClientConfig(dosms, zk, t, chunkBytes, attempts);
  }

  public ClientConfig withAttempts(int n) {
    return new ClientConfig(dosms, zk, thrift, chunkBytes, n);
  }
}
