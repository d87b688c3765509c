package io.dyad.client;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.rpc.ConnectionPool;
import io.dyad.rpc.StorageNodeClient;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Reads of object bytes straight from the storage node a gateway named ({@code ObjectGateway.openRead}, then
 * {@code StorageNode.readDirect}): one hop instead of two. Connections to nodes are pooled like those to gateways.
 * Any failure is the caller's cue to read through a gateway instead.
 */
final class DirectReads implements AutoCloseable {
  /** A node that could not be reached is not tried again for this long: every get would wait for it otherwise. */
  static final Duration UNREACHABLE_PAUSE = Duration.ofSeconds(30);

  private final ConnectionPool<StorageNodeClient> nodes;
  private final Cache<HostAndPort, Boolean> unreachable = CacheBuilder.newBuilder()
      .expireAfterWrite(UNREACHABLE_PAUSE).maximumSize(10_000).build();

  DirectReads(ClientConfig config) {
    this.nodes = new ConnectionPool<>(n -> StorageNodeClient.connect(n, config.thrift()),
        config.maxConnectionsPerGateway(), config.thrift().requestTimeout(), config.maxIdle());
  }

  /** Whether a direct read from {@code node} is worth trying now. */
  boolean worthTrying(HostAndPort node) {
    return unreachable.getIfPresent(node) == null;
  }

  /** Up to {@code length} bytes from {@code offset}, in a buffer of the caller's own. */
  ByteBuffer read(HostAndPort node, ObjectId id, long offset, int length, String credential) throws DyadException {
    try {
      return nodes.call(node, ConnectionPool.Retry.SAFE, c -> c.readDirect(id, offset, length, credential));
    } catch (DyadException e) {
      if (e.code() == ErrorCode.UNAVAILABLE) {
        unreachable.put(node, Boolean.TRUE);
        nodes.forget(node);
      }
      throw e;
    }
  }

  /** Closes connections idle for longer than the client's limit. */
  void evictIdle() {
    nodes.evictIdle();
  }

  @Override
  public void close() {
    nodes.close();
  }
}
