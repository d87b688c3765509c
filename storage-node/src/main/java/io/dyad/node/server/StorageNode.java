package io.dyad.node.server;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.dyad.node.store.FileObjectStore;
import io.dyad.node.store.ObjectStore;
import io.dyad.rpc.server.ServerCounters;
import io.dyad.rpc.server.ThriftServerService;
import io.dyad.server.ServiceStack;
import io.dyad.thrift.StorageNode.Processor;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * One storage node: the object store, then the Thrift server in front of it. {@link #service()} starts them
 * in that order and stops them in reverse, so no request reaches a store that is not open.
 */
public final class StorageNode {
  private final StorageNodeConfig config;
  private final ObjectStore store;
  private final ThriftServerService server;
  private final ServiceStack service;

  private StorageNode(StorageNodeConfig config, ObjectStore store, AccessGate gate, MetricRegistry metrics, Clock clock) {
    this.config = config;
    this.store = store;
    StorageNodeHandler handler = new StorageNodeHandler(config.memberId(), store, gate, metrics, clock);
    this.server = new ThriftServerService("node-" + config.memberId(), new Processor<>(handler), config.server());
    ServerCounters counted = server.counters();
    metrics.register("storage.connections.refused", (Gauge<Long>) counted::refusedConnections);
    metrics.register("storage.connections.evicted", (Gauge<Long>) counted::evictedConnections);
    metrics.register("storage.requests.stalled", (Gauge<Long>) counted::stalledFrames);
    metrics.register("storage.requests.memory_waits", (Gauge<Long>) counted::memoryWaits);
    this.service = new ServiceStack("storage-node-" + config.memberId(), List.of(store, server), Duration.ofSeconds(15));
  }

  /** A standalone node: serves every request ({@link AccessGate#OPEN}). */
  public static StorageNode create(StorageNodeConfig config, MetricRegistry metrics) {
    return create(config, AccessGate.OPEN, metrics);
  }

  /** A node whose requests pass {@code gate} (a cluster member's fencing). */
  public static StorageNode create(StorageNodeConfig config, AccessGate gate, MetricRegistry metrics) {
    return new StorageNode(config, FileObjectStore.create(config.store()), gate, metrics, Clock.systemUTC());
  }

  /** The node's lifecycle: start it, stop it, watch it fail. */
  public ServiceStack service() {
    return service;
  }

  /** Where the Thrift service listens (with the real port). Valid while running. */
  public InetSocketAddress address() {
    return server.boundAddress();
  }

  public ObjectStore store() {
    return store;
  }

  public StorageNodeConfig config() {
    return config;
  }
}
