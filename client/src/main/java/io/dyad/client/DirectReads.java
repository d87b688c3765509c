package io.dyad.client;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ObjectId;
import io.dyad.rpc.ConnectionPool;
import io.dyad.rpc.StorageNodeClient;
import java.nio.ByteBuffer;

/**
 * Reads of object bytes straight from the storage node a gateway named ({@code ObjectGateway.openRead}, then
 * {@code StorageNode.readDirect}): one hop instead of two. Connections to nodes are pooled like those to gateways.
 * Any failure is the caller's cue to read through a gateway instead.
 */
final class DirectReads implements AutoCloseable {
  private final ConnectionPool<StorageNodeClient> nodes;

  DirectReads(ClientConfig config) {
    this.nodes = new ConnectionPool<>(n -> StorageNodeClient.connect(n, config.thrift()),
        config.maxConnectionsPerGateway(), config.thrift().requestTimeout(), config.maxIdle());
  }

  /** Up to {@code length} bytes from {@code offset}, in a buffer of the caller's own. */
  ByteBuffer read(HostAndPort node, ObjectId id, long offset, int length, String credential) throws DyadException {
    try {
      return nodes.call(node, ConnectionPool.Retry.SAFE, c -> c.readDirect(id, offset, length, credential));
    } catch (DyadException e) {
      nodes.forget(node);
      throw e;
    }
  }

  @Override
  public void close() {
    nodes.close();
  }
}
