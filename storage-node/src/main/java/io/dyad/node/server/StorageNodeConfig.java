package io.dyad.node.server;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import io.dyad.node.store.StoreConfig;
import io.dyad.rpc.server.ThriftServerConfig;
import java.net.InetSocketAddress;

/**
 * Everything a storage node needs to run. Immutable.
 *
 * @param memberId the node's id in the cluster, e.g. "a1"
 * @param store where and how objects are kept
 * @param server where and how the Thrift service listens
 */
public record StorageNodeConfig(String memberId, StoreConfig store, ThriftServerConfig server) {
  public StorageNodeConfig {
    requireNonNull(memberId, "memberId");
    requireNonNull(store, "store");
    requireNonNull(server, "server");
    checkArgument(memberId.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"),
        "member id must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit: '%s'", memberId);
    checkArgument(server.maxFrameBytes() >= store.maxChunkBytes(),
        "the server's frame limit must hold the store's largest chunk");
  }

  /** A node with default store and server settings. */
  public static StorageNodeConfig of(String memberId, StoreConfig store, InetSocketAddress listen) {
    return new StorageNodeConfig(memberId, store, ThriftServerConfig.forChunks(listen, store.maxChunkBytes()));
  }
}
