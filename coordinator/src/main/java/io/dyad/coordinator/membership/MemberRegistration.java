package io.dyad.coordinator.membership;

import com.google.common.util.concurrent.AbstractIdleService;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.model.LiveInfo;
import io.dyad.coordinator.zk.ZkPaths;
import io.dyad.coordinator.zk.ZnodeCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers a member with an ephemeral {@code /dyad/live/<id>} znode and keeps it registered.
 *
 * <ul>
 *   <li>SUSPENDED (connection lost, session maybe alive): fenced until we know more.
 *   <li>LOST (session expired): fenced, unregistered; once reconnected under a new session, it waits for the old
 *       session's znode to vanish (ZooKeeper deletes it when that session expires) and registers again with a
 *       fresh incarnation.
 *   <li>RECONNECTED: if the znode is still ours, unfenced at once; otherwise registers again as above.
 * </ul>
 * All registration work runs on one internal thread, so transitions never interleave.
 *
 * <p>On top of the connection states, a registration is a lease: it is confirmed with ZooKeeper every quarter
 * of the session timeout and is valid for half of it. A process that was paused (a long GC, SIGSTOP) finds its
 * lease expired the moment it wakes, before its ZooKeeper client has even noticed that its session is gone,
 * and refuses writes until ZooKeeper confirms it again.
 */
public final class MemberRegistration extends AbstractIdleService implements Registration {
  private static final Logger LOG = LoggerFactory.getLogger(MemberRegistration.class);
  private static final Duration RETRY = Duration.ofMillis(500);

  private final CuratorFramework client;
  private final String memberId;
  private final String address;
  private final Clock clock;
  private final Duration waitForOldZnode;
  private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong lastIncarnation = new AtomicLong();
  private final ConnectionStateListener stateListener = (c, state) -> onConnectionState(state);
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(
      new ThreadFactoryBuilder().setDaemon(true).setNameFormat("registration-%d").build());

  private final long leaseNanos;
  private volatile long confirmedAtNanos = Long.MIN_VALUE;
  private volatile LiveInfo registered;
  private volatile boolean connected = true;
  private volatile boolean fenced = true;

  /**
   * @param waitForOldZnode how long to wait for a previous session's liveness znode to vanish before giving
   *     up on a registration attempt (and trying again); the session timeout is a good value
   */
  public MemberRegistration(CuratorFramework client, String memberId, String address, Clock clock,
      Duration waitForOldZnode) {
    this.client = client;
    this.memberId = memberId;
    this.address = address;
    this.clock = clock;
    this.waitForOldZnode = waitForOldZnode;
    this.leaseNanos = waitForOldZnode.toNanos() / 2;
  }

  @Override
  protected void startUp() throws Exception {
    client.getConnectionStateListenable().addListener(stateListener);
    CountDownLatch first = new CountDownLatch(1);
    addListener(mayWrite -> {
      if (mayWrite) {
        first.countDown();
      }
    });
    worker.execute(this::registerUntilDone);
    long confirmEvery = Math.max(50, waitForOldZnode.toMillis() / 4);
    worker.scheduleWithFixedDelay(this::confirm, confirmEvery, confirmEvery, TimeUnit.MILLISECONDS);
    // a restarted member may have to wait for its previous session's znode to expire
    Duration limit = waitForOldZnode.multipliedBy(2).plusSeconds(10);
    if (!first.await(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "member " + memberId + " could not register in ZooKeeper within "
          + limit.toSeconds() + " s (is another process registered as " + memberId + "?)");
    }
  }

  @Override
  protected void shutDown() throws Exception {
    client.getConnectionStateListenable().removeListener(stateListener);
    worker.shutdownNow();
    setFenced(true);
    LiveInfo mine = registered;
    registered = null;
    if (mine != null) {
      try {
        Stat stat = client.checkExists().forPath(ZkPaths.live(memberId));
        if (stat != null && stat.getEphemeralOwner() == sessionId()) {
          client.delete().withVersion(stat.getVersion()).forPath(ZkPaths.live(memberId));
        }
      } catch (Exception e) {
        LOG.info("[member={}] could not remove the liveness znode on stop ({}); it vanishes with the session",
            memberId, e.getMessage());
      }
    }
  }

  @Override
  public boolean mayAcceptWrites() {
    return !fenced && System.nanoTime() - confirmedAtNanos < leaseNanos;
  }

  /** Runs on the worker: renews the lease if the liveness znode is still ours under the current session. */
  private void confirm() {
    if (registered == null || !connected) {
      return;
    }
    try {
      long started = System.nanoTime();
      Stat stat = client.checkExists().forPath(ZkPaths.live(memberId));
      if (stat != null && stat.getEphemeralOwner() == sessionId()) {
        confirmedAtNanos = started;
      } else {
        LOG.warn("[member={}] the liveness znode is no longer ours; registering again", memberId);
        registered = null;
        setFenced(true);
        registerUntilDone();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.debug("[member={}] could not confirm the registration: {}", memberId, e.toString());
    }
  }

  @Override
  public Optional<LiveInfo> current() {
    return Optional.ofNullable(registered);
  }

  @Override
  public void addListener(Consumer<Boolean> onFenceChange) {
    listeners.add(onFenceChange);
  }

  private void onConnectionState(ConnectionState state) {
    switch (state) {
      case SUSPENDED:
        connected = false;
        setFenced(true);
        LOG.warn("[member={}] ZooKeeper connection suspended; refusing writes until it is back", memberId);
        break;
      case LOST:
        connected = false;
        registered = null;
        setFenced(true);
        LOG.warn("[member={}] ZooKeeper session lost; will register again when reconnected", memberId);
        break;
      case CONNECTED:
      case RECONNECTED:
        connected = true;
        worker.execute(this::registerUntilDone);
        break;
      default:
        break;
    }
  }

  /** Runs on the worker: registers (or confirms the registration) and retries until done or stopped. */
  private void registerUntilDone() {
    if (!connected || worker.isShutdown()) {
      return;
    }
    try {
      long started = System.nanoTime();
      if (tryRegister()) {
        confirmedAtNanos = started;
        setFenced(false);
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (Exception e) {
      LOG.warn("[member={}] registration attempt failed: {}", memberId, e.toString());
    }
    if (!worker.isShutdown()) {
      worker.schedule(this::registerUntilDone, RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** One attempt; true if the liveness znode is ours afterwards. */
  private boolean tryRegister() throws Exception {
    String path = ZkPaths.live(memberId);
    long session = sessionId();
    Stat existing = client.checkExists().forPath(path);
    if (existing != null && existing.getEphemeralOwner() == session && registered != null) {
      return true; // reconnected within the same session: still ours
    }
    if (existing != null && existing.getEphemeralOwner() != session) {
      LOG.info("[member={}] waiting for the liveness znode of an earlier session (0x{}) to vanish",
          memberId, Long.toHexString(existing.getEphemeralOwner()));
      if (!awaitDeletion(path)) {
        return false;
      }
    }
    long incarnation = lastIncarnation.updateAndGet(prev -> Math.max(prev + 1, clock.millis()));
    LiveInfo info = new LiveInfo(memberId, address, Long.toHexString(session), clock.millis(), incarnation);
    try {
      client.create().withMode(CreateMode.EPHEMERAL).forPath(path, ZnodeCodec.LIVE.encode(info));
    } catch (KeeperException.NodeExistsException e) {
      Stat now = client.checkExists().forPath(path);
      if (now == null || now.getEphemeralOwner() != session) {
        return false;
      }
    }
    registered = info;
    LOG.info("[member={}] registered at {} (incarnation {}, session 0x{})", memberId, address, incarnation,
        Long.toHexString(session));
    return true;
  }

  private boolean awaitDeletion(String path) throws Exception {
    CountDownLatch gone = new CountDownLatch(1);
    Stat stat = client.checkExists().usingWatcher((org.apache.zookeeper.Watcher) event -> gone.countDown()).forPath(path);
    if (stat == null) {
      return true;
    }
    return gone.await(waitForOldZnode.toMillis(), TimeUnit.MILLISECONDS)
        && client.checkExists().forPath(path) == null;
  }

  private long sessionId() throws Exception {
    return client.getZookeeperClient().getZooKeeper().getSessionId();
  }

  private void setFenced(boolean nowFenced) {
    if (fenced == nowFenced) {
      return;
    }
    fenced = nowFenced;
    for (Consumer<Boolean> l : listeners) {
      try {
        l.accept(!nowFenced);
      } catch (RuntimeException e) {
        LOG.error("[member={}] a fencing listener failed", memberId, e);
      }
    }
  }

  @Override
  protected String serviceName() {
    return "MemberRegistration[" + memberId + "]";
  }
}
