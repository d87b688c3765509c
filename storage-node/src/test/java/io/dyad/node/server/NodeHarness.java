package io.dyad.node.server;

import com.codahale.metrics.MetricRegistry;
import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.node.store.StoreConfig;
import io.dyad.rpc.StorageNodeClient;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.rpc.server.ThriftServerConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** Starts a real storage node (real files, real Thrift server on a loopback port) for a test. */
final class NodeHarness implements AutoCloseable {
  static final int MAX_CHUNK = 1024 * 1024;

  final StorageNode node;
  final HostAndPort address;
  final Path dataDir;

  private NodeHarness(StorageNode node, Path dataDir) {
    this.node = node;
    this.dataDir = dataDir;
    InetSocketAddress a = node.address();
    this.address = HostAndPort.fromParts(a.getAddress().getHostAddress(), a.getPort());
  }

  static NodeHarness start(Path dataDir) {
    return start(dataDir, 0, UnaryOperator.identity());
  }

  static NodeHarness start(Path dataDir, int port, UnaryOperator<ThriftServerConfig> server) {
    return start(dataDir, port, server, UnaryOperator.identity());
  }

  /** A node whose store is configured by {@code store} too. */
  static NodeHarness start(Path dataDir, int port, UnaryOperator<ThriftServerConfig> server,
      UnaryOperator<StoreConfig> storeConfig) {
    StoreConfig store = storeConfig.apply(StoreConfig.defaults(dataDir).withReserveBytes(0)
        .withMaxChunkBytes(MAX_CHUNK));
    ThriftServerConfig sc = server.apply(
        ThriftServerConfig.forChunks(new InetSocketAddress("127.0.1.11", port), MAX_CHUNK));
    StorageNode node = StorageNode.create(new StorageNodeConfig("t1", store, sc), new MetricRegistry());
    node.service().startAsync().awaitRunning();
    return new NodeHarness(node, dataDir);
  }

  StorageNodeClient client() throws DyadException {
    return StorageNodeClient.connect(address,
        ThriftClientConfig.defaults().withRequestTimeout(Duration.ofSeconds(20)), 256 * 1024);
  }

  /** A client whose connections come from {@code localHost} (another gateway, to the node). */
  StorageNodeClient clientFrom(String localHost) throws DyadException {
    return StorageNodeClient.connect(address, ThriftClientConfig.defaults().withLocalHost(localHost)
        .withRequestTimeout(Duration.ofSeconds(20)), 256 * 1024);
  }

  @Override
  public void close() {
    node.service().stopAsync().awaitTerminated();
  }
}
