package io.dyad.coordinator.failover;

import com.google.common.util.concurrent.AbstractIdleService;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.dyad.common.DyadException;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.coordinator.zk.ZkPaths;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A coordinator: competes for the leader latch and, while it leads, turns every new cluster snapshot (and
 * every expiring grace period) into failover decisions and writes them. All of its work runs on one thread,
 * so decisions never interleave. A SUSPENDED ZooKeeper connection stops it acting at once (the latch itself
 * gives up leadership on SUSPENDED and LOST); it acts again only after the latch says it leads again.
 */
public final class CoordinatorService extends AbstractIdleService {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorService.class);

  private final CuratorFramework client;
  private final ClusterView view;
  private final CoordinatorConfig config;
  private final Clock clock;
  private final FailoverPolicy policy;
  private final FailoverWriter writer;
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(
      new ThreadFactoryBuilder().setDaemon(true).setNameFormat("coordinator-%d").build());
  private final Map<String, Long> notLiveSince = new HashMap<>();
  private final ConnectionStateListener connectionListener = (c, state) -> onConnectionState(state);

  private LeaderLatch latch;
  /** The epoch of our last write: we decide again only from a view that shows it (never from a stale one). */
  private long lastWrittenEpoch;
  private ClusterView.Subscription subscription;
  private volatile boolean acting;
  private ScheduledFuture<?> deadline;

  public CoordinatorService(CuratorFramework client, ClusterView view, CoordinatorConfig config, Clock clock) {
    this.client = client;
    this.view = view;
    this.config = config;
    this.clock = clock;
    this.policy = new FailoverPolicy(config.grace());
    this.writer = new FailoverWriter(client, config.id(), clock);
  }

  @Override
  protected void startUp() throws Exception {
    ensureParents();
    latch = new LeaderLatch(client, ZkPaths.COORDINATOR_LATCH, config.id(), LeaderLatch.CloseMode.NOTIFY_LEADER);
    latch.addListener(new LeaderLatchListener() {
      @Override
      public void isLeader() {
        onLeadership(true);
      }

      @Override
      public void notLeader() {
        onLeadership(false);
      }
    }, worker);
    client.getConnectionStateListenable().addListener(connectionListener);
    subscription = view.addListener(snapshot -> decide(), worker);
    latch.start();
    LOG.info("[coordinator={}] started; competing for leadership", config.id());
  }

  /** Znode parents that clusters initialised by older versions lack. */
  private void ensureParents() throws Exception {
    for (String parent : ZkPaths.PARENTS) {
      if (client.checkExists().forPath(parent) == null) {
        try {
          client.create().forPath(parent, new byte[0]);
          LOG.info("[coordinator={}] created {}", config.id(), parent);
        } catch (org.apache.zookeeper.KeeperException.NodeExistsException raced) {
          // another coordinator made it
        }
      }
    }
  }

  @Override
  protected void shutDown() throws Exception {
    client.getConnectionStateListenable().removeListener(connectionListener);
    subscription.close();
    acting = false;
    latch.close();
    worker.shutdown();
    worker.awaitTermination(5, TimeUnit.SECONDS);
    LOG.info("[coordinator={}] stopped", config.id());
  }

  /** Whether this coordinator leads and may act now. */
  public boolean isActing() {
    return acting;
  }

  public String id() {
    return config.id();
  }

  /** The znode of this coordinator's latch participation (null before start); for diagnostics and tests. */
  public String latchPath() {
    return latch == null ? null : latch.getOurPath();
  }

  private void onLeadership(boolean leads) {
    acting = leads && client.getZookeeperClient().isConnected();
    notLiveSince.clear();
    lastWrittenEpoch = 0;
    LOG.info("[coordinator={}] {}", config.id(), leads ? "leads; acting on failover" : "does not lead");
    if (acting) {
      decide();
    }
  }

  private void onConnectionState(ConnectionState state) {
    if (state == ConnectionState.SUSPENDED || state == ConnectionState.LOST) {
      if (acting) {
        LOG.warn("[coordinator={}] ZooKeeper connection {}; no longer acting", config.id(), state);
      }
      acting = false;
    } else if (state == ConnectionState.RECONNECTED) {
      worker.execute(() -> acting = latch.hasLeadership() && isRunning());
    }
  }

  /** Runs on the worker thread. */
  private void decide() {
    if (!acting) {
      return;
    }
    ClusterSnapshot s = view.current();
    if (s.epoch() < lastWrittenEpoch) {
      return; // our own last change has not reached the view yet; its arrival runs decide() again
    }
    long now = clock.millis();
    trackLiveness(s, now);
    List<Decision> decisions = policy.decide(s, notLiveSince, now);
    for (Decision d : decisions) {
      if (!acting) {
        return;
      }
      try {
        long epoch = writer.apply(d, latch.getOurPath());
        if (epoch >= 0) {
          lastWrittenEpoch = Math.max(lastWrittenEpoch, epoch);
          LOG.info("[coordinator={} epoch={}] {}", config.id(), epoch, d);
        }
      } catch (DyadException e) {
        LOG.warn("[coordinator={}] {}", config.id(), e.getMessage());
        scheduleDecide(1000);
      }
    }
    long next = policy.nextDeadline(s, notLiveSince, now);
    if (next >= 0) {
      scheduleDecide(Math.max(0, next - now) + 10);
    }
  }

  private void trackLiveness(ClusterSnapshot s, long now) {
    for (String member : s.members().keySet()) {
      if (s.isLive(member)) {
        notLiveSince.remove(member);
      } else {
        notLiveSince.putIfAbsent(member, now);
      }
    }
    notLiveSince.keySet().retainAll(s.members().keySet());
  }

  /** Runs decide() after {@code delayMillis}, unless a run is already due sooner. Worker thread only. */
  private void scheduleDecide(long delayMillis) {
    if (deadline != null && deadline.getDelay(TimeUnit.MILLISECONDS) <= delayMillis) {
      return;
    }
    if (deadline != null) {
      deadline.cancel(false);
    }
    if (!worker.isShutdown()) {
      deadline = worker.schedule(() -> {
        deadline = null;
        decide();
      }, delayMillis, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  protected String serviceName() {
    return "Coordinator[" + config.id() + "]";
  }
}
