package io.dyad.dosm;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.google.common.util.concurrent.Service;
import io.dyad.coordinator.rebalance.RebalanceLedger;
import io.dyad.coordinator.rebalance.RebalancerLatch;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.rpc.server.AccessRefusals;
import io.dyad.rpc.server.ServerCounters;
import io.dyad.rpc.server.ThriftServerService;
import io.dyad.server.ServiceStack;
import io.dyad.thrift.ObjectGateway;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One DOSM: its core, then its Thrift service, then (optionally) its registration under /dyad/dosm — started
 * in that order so that a registered DOSM always serves. The cluster view is the caller's (started first).
 */
public final class Dosm {
  private final DosmCore core;
  private final ThriftServerService server;
  private final ServiceStack service;

  /** What a DOSM needs to take part in rebalancing: its candidacy for the latch, the progress record, the pace. */
  public record Rebalancing(RebalancerLatch latch, RebalanceLedger ledger, RebalanceSettings settings) {}

  private Dosm(DosmConfig config, ClusterView view, MetricRegistry metrics,
      Function<InetSocketAddress, Service> registration, Optional<Rebalancing> rebalancing) {
    this.core = new DosmCore(config, view);
    ObjectAccess access = new ObjectAccess(config.instance(), view, config.secret(),
        config.server().tls().isPresent(), new AccessRefusals("dosm=" + config.instance(), () -> {},
            metrics.counter("dosm.credentials.refused")::inc, () -> {}));
    ObjectGateway.Iface handler = new ObjectGatewayHandler(config.instance(), core::gateway, access,
        config.maxChunkBytes(), metrics);
    this.server = new ThriftServerService("dosm-" + config.instance(), new ObjectGateway.Processor<>(handler),
        config.server());
    ServerCounters counted = server.counters();
    metrics.register("dosm.connections.refused", (Gauge<Long>) counted::refusedConnections);
    metrics.register("dosm.connections.evicted", (Gauge<Long>) counted::evictedConnections);
    metrics.register("dosm.requests.stalled", (Gauge<Long>) counted::stalledFrames);
    metrics.register("dosm.requests.memory_waits", (Gauge<Long>) counted::memoryWaits);
    metrics.register("dosm.puts.refused", (Gauge<Long>) core::refusedPuts);
    List<Service> parts = new ArrayList<>(List.of(access, core, server));
    if (registration != null) {
      parts.add(new RegistrationAfterStart(server, registration));
    }
    if (rebalancing.isPresent()) {
      Rebalancing r = rebalancing.get();
      Rebalancer rebalancer = new Rebalancer(config.instance(), view, r.latch(), r.ledger(), core::pool, r.settings(),
          Clock.systemUTC());
      rebalancer.registerMetrics(metrics);
      parts.add(rebalancer);
    }
    this.service = new ServiceStack("dosm-" + config.instance(), parts, Duration.ofSeconds(20));
  }

  /**
   * @param registration makes the registration service from the bound address (null: do not register)
   * @param rebalancing how this DOSM rebalances, if it is one of those that may
   */
  public static Dosm create(DosmConfig config, ClusterView view, MetricRegistry metrics,
      Function<InetSocketAddress, Service> registration, Optional<Rebalancing> rebalancing) {
    return new Dosm(config, view, metrics, registration, rebalancing);
  }

  public ServiceStack service() {
    return service;
  }

  /** The sizes of everything clients can make grow, now (they become metrics later). Valid while running. */
  public DosmStats stats() {
    int nodeConnections = core.pool().openConnections().values().stream().mapToInt(Integer::intValue).sum();
    return new DosmStats(server.openConnections(), server.queuedRequests(), server.bufferedRequestBytes(),
        core.openPuts(), nodeConnections);
  }

  /** Where the Thrift service listens (with the real port). Valid while running. */
  public InetSocketAddress address() {
    return server.boundAddress();
  }

  /** Starts the registration made from the server's bound address. */
  private static final class RegistrationAfterStart extends com.google.common.util.concurrent.AbstractIdleService {
    private final ThriftServerService server;
    private final Function<InetSocketAddress, Service> factory;
    private Service registration;

    RegistrationAfterStart(ThriftServerService server, Function<InetSocketAddress, Service> factory) {
      this.server = server;
      this.factory = factory;
    }

    @Override
    protected void startUp() {
      registration = factory.apply(server.boundAddress());
      registration.startAsync().awaitRunning();
    }

    @Override
    protected void shutDown() {
      registration.stopAsync().awaitTerminated();
    }
  }
}
