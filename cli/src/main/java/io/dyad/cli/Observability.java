package io.dyad.cli;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.coordinator.ZkSession;
import io.dyad.coordinator.model.FailoverInfo;
import io.dyad.coordinator.model.ResyncInfo;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.node.store.ObjectStore;
import io.dyad.node.store.StoreStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The health checks and gauges a daemon publishes on its admin port, one method per concern, so that each daemon
 * takes those that apply to it. Names are dotted (Prometheus shows them with underscores); every gauge is cheap to
 * read, as a scrape reads them all.
 */
final class Observability {
  private final MetricRegistry metrics;
  private final HealthCheckRegistry health;

  Observability(MetricRegistry metrics, HealthCheckRegistry health) {
    this.metrics = metrics;
    this.health = health;
  }

  MetricRegistry metrics() {
    return metrics;
  }

  HealthCheckRegistry health() {
    return health;
  }

  /** The ZooKeeper connection: check {@code zookeeper}, gauge {@code zookeeper.connected} (1 or 0). */
  Observability zooKeeper(ZkSession session) {
    metrics.register("zookeeper.connected", (Gauge<Integer>) () -> session.isConnected() ? 1 : 0);
    health.register("zookeeper", check(() -> session.isConnected() ? null
        : "not connected to ZooKeeper at " + session.config().connectString()));
    return this;
  }

  /**
   * The data directory: check {@code data-directory} (a file can be created and removed in it, and free space is
   * above {@code reserveBytes}); gauges {@code disk.usable.bytes} and {@code disk.total.bytes}.
   */
  Observability dataDirectory(Path dir, long reserveBytes) {
    metrics.register("disk.usable.bytes", (Gauge<Long>) () -> usable(dir));
    metrics.register("disk.total.bytes", (Gauge<Long>) () -> total(dir));
    health.register("data-directory", check(() -> {
      try {
        Path probe = Files.createTempFile(dir, ".health-", ".probe");
        Files.delete(probe);
      } catch (IOException e) {
        return "cannot write in " + dir + ": " + e;
      }
      long free = usable(dir);
      return free < reserveBytes ? "only " + free + " bytes free in " + dir + ", under the reserve of " + reserveBytes
          : null;
    }));
    return this;
  }

  /**
   * A storage node's store: gauges {@code store.sessions.open}, {@code store.sessions.refused} and
   * {@code store.quarantined}.
   */
  Observability store(ObjectStore store) {
    metrics.register("store.sessions.open", (Gauge<Integer>) () -> status(store).map(StoreStatus::openSessions)
        .orElse(-1));
    metrics.register("store.sessions.refused", (Gauge<Long>) () -> status(store).map(StoreStatus::refusedSessions)
        .orElse(-1L));
    metrics.register("store.quarantined", (Gauge<Long>) () -> status(store).map(StoreStatus::quarantined).orElse(-1L));
    return this;
  }

  /**
   * A cluster member: checks {@code not-fenced} (its registration in ZooKeeper is valid, so it may take writes) and
   * {@code partner-reachable} (a TCP connection to its partner opens within a second); gauges
   * {@code member.failover.state} (0 serving, 1 resyncing, 2 failed over, 3 not live) and
   * {@code member.resync.percent}.
   */
  Observability member(String id, ClusterView view, Supplier<Optional<String>> fencedBecause) {
    health.register("not-fenced", check(() -> fencedBecause.get().map(why -> "fenced: " + why).orElse(null)));
    health.register("partner-reachable", check(() -> {
      Optional<String> partner = view.current().partnerOf(id);
      if (partner.isEmpty()) {
        return null;
      }
      String address = view.current().members().get(partner.get()).address();
      HostAndPort hp = HostAndPort.fromString(address);
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(hp.getHost(), hp.getPort()), 1000);
        return null;
      } catch (IOException e) {
        return "partner " + partner.get() + " at " + address + " cannot be reached: " + e.getMessage();
      }
    }));
    metrics.register("member.failover.state", (Gauge<Integer>) () -> {
      if (!view.current().isLive(id)) {
        return 3;
      }
      Optional<FailoverInfo> f = view.current().failover(id);
      if (f.isEmpty()) {
        return 0;
      }
      return f.get().state() == io.dyad.coordinator.model.FailoverState.RESYNCING ? 1 : 2;
    });
    metrics.register("member.resync.percent", (Gauge<Double>) () -> {
      ResyncInfo r = view.current().resync().get(id);
      return r == null ? 100.0 : r.percent();
    });
    return this;
  }

  /** The cluster as this daemon sees it: gauges {@code cluster.epoch} and {@code cluster.members.failed_over}. */
  Observability cluster(ClusterView view) {
    metrics.register("cluster.epoch", (Gauge<Long>) () -> view.current().epoch());
    metrics.register("cluster.members.failed_over", (Gauge<Integer>) () -> view.current().failovers().size());
    return this;
  }

  /**
   * The key rates of a service whose metrics start with {@code prefix} ("storage", "dosm"...), over the last minute:
   * calls, bytes in and out per second, and the errors counted so far — for /status and {@code dyad status}.
   */
  Map<String, Object> keyRates(String prefix) {
    double calls = metrics.getTimers((name, m) -> name.startsWith(prefix + ".rpc.")).values().stream()
        .mapToDouble(Timer::getOneMinuteRate).sum();
    long errors = metrics.getCounters((name, m) -> name.startsWith(prefix + ".errors.")).values().stream()
        .mapToLong(Counter::getCount).sum();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("callsPerSecond", round(calls));
    out.put("bytesInPerSecond", round(metrics.meter(prefix + ".bytes.in").getOneMinuteRate()));
    out.put("bytesOutPerSecond", round(metrics.meter(prefix + ".bytes.out").getOneMinuteRate()));
    out.put("errors", errors);
    return out;
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static Optional<StoreStatus> status(ObjectStore store) {
    try {
      return Optional.of(store.status());
    } catch (DyadException e) {
      return Optional.empty();
    }
  }

  private static long usable(Path dir) {
    try {
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      return -1;
    }
  }

  private static long total(Path dir) {
    try {
      return Files.getFileStore(dir).getTotalSpace();
    } catch (IOException e) {
      return -1;
    }
  }

  /** What is wrong now, or null if nothing. */
  @FunctionalInterface
  interface Problem {
    String find() throws Exception;
  }

  private static HealthCheck check(Problem problem) {
    return new HealthCheck() {
      @Override
      protected Result check() throws Exception {
        String p = problem.find();
        return p == null ? Result.healthy() : Result.unhealthy(p);
      }
    };
  }
}
