package io.dyad.client;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.net.HostAndPort;
import io.dyad.rpc.ThriftClientConfig;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * How a client reaches a cluster. Immutable.
 *
 * @param gateways one or more object gateway (DOSM) addresses to start from; the client learns the others from
 *     them, so one reachable gateway is enough
 * @param thrift connection timeouts and frame limit
 * @param chunkBytes chunk size for puts and gets (the DOSM may lower it)
 * @param attempts how many gateways an operation tries before giving up
 * @param maxConnectionsPerGateway connections to one gateway at most (an operation waits for one up to the
 *     request timeout)
 * @param maxIdle an idle pooled connection is closed after this long (keep it below the gateways' idle timeout)
 * @param refreshEvery how often the list of gateways is asked for again
 * @param credential what operations present to a cluster with access control when no locator is given for them (an
 *     operator's credential, asked for anew each time since it expires); "" in a cluster without
 * @param directReads read an object's bytes straight from the storage node that serves it (one hop), falling back to
 *     the gateways on any error; false: always through a gateway (for clients that cannot reach the nodes)
 */
public record ClientConfig(List<HostAndPort> gateways, ThriftClientConfig thrift, int chunkBytes, int attempts,
    int maxConnectionsPerGateway, Duration maxIdle, Duration refreshEvery, Supplier<String> credential,
    boolean directReads) {

  public ClientConfig {
    gateways = List.copyOf(gateways);
    requireNonNull(thrift, "thrift");
    requireNonNull(maxIdle, "maxIdle");
    requireNonNull(refreshEvery, "refreshEvery");
    requireNonNull(credential, "credential");
    checkArgument(!gateways.isEmpty(), "give at least one gateway address");
    checkArgument(chunkBytes >= 4096, "chunkBytes must be at least 4096");
    checkArgument(attempts >= 1, "attempts must be at least 1");
    checkArgument(maxConnectionsPerGateway >= 1, "maxConnectionsPerGateway must be at least 1");
  }

  /**
   * Start from these gateways: 1 MiB chunks, 3 attempts, 16 connections per gateway closed after 30 s idle, the
   * gateway list refreshed every 30 s, direct reads from the storage nodes.
   */
  public static ClientConfig of(List<HostAndPort> gateways) {
    return new ClientConfig(gateways, ThriftClientConfig.defaults(), 1024 * 1024, 3, 16, Duration.ofSeconds(30),
        Duration.ofSeconds(30), () -> "", true);
  }

  public ClientConfig withChunkBytes(int bytes) {
    return new ClientConfig(gateways, thrift, bytes, attempts, maxConnectionsPerGateway, maxIdle, refreshEvery, credential, directReads);
  }

  public ClientConfig withThrift(ThriftClientConfig t) {
    return new ClientConfig(gateways, t, chunkBytes, attempts, maxConnectionsPerGateway, maxIdle, refreshEvery, credential, directReads);
  }

  public ClientConfig withAttempts(int n) {
    return new ClientConfig(gateways, thrift, chunkBytes, n, maxConnectionsPerGateway, maxIdle, refreshEvery, credential, directReads);
  }

  /** Present {@code credential} (asked for anew on each operation) where no locator is given. */
  public ClientConfig withCredential(Supplier<String> c) {
    return new ClientConfig(gateways, thrift, chunkBytes, attempts, maxConnectionsPerGateway, maxIdle, refreshEvery, c, directReads);
  }

  /** Whether gets read from the serving storage node directly (default) or always through a gateway. */
  public ClientConfig withDirectReads(boolean direct) {
    return new ClientConfig(gateways, thrift, chunkBytes, attempts, maxConnectionsPerGateway, maxIdle, refreshEvery,
        credential, direct);
  }

  public ClientConfig withMaxIdle(Duration idle) {
    return new ClientConfig(gateways, thrift, chunkBytes, attempts, maxConnectionsPerGateway, idle, refreshEvery, credential, directReads);
  }
}
