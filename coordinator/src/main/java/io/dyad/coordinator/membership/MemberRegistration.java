package io.dyad.coordinator.membership;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.AbstractIdleService;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.model.LiveInfo;
import io.dyad.coordinator.zk.ZkPaths;
import io.dyad.coordinator.zk.ZnodeCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers a member with an ephemeral {@code /dyad/live/<id>} znode and keeps it registered.
 *
 * <ul>
 *   <li>The registration is a lease: it is confirmed with ZooKeeper every sixth of the (negotiated) session
 *       timeout and is valid for half of it, so at least a third of the session timeout of it is left whenever
 *       ZooKeeper goes away: an outage that short costs no write. Writes are taken only within the lease. A process that was paused
 *       (a long GC, SIGSTOP) finds its lease expired the moment it wakes; a ZooKeeper outage lets writes go on
 *       until the lease runs out, and they resume at the first confirmation after ZooKeeper returns.
 *   <li>SUSPENDED (connection lost, session maybe alive): reads go on; nothing else changes.
 *   <li>LOST (the session expired, or Curator gave it up after a session timeout without ZooKeeper): no more
 *       writes. Reads go on until the member is registered again — during a ZooKeeper outage nobody can be failed
 *       over, so its copy is still the pair's. Once reconnected under a new session it removes the znode its own
 *       old session left (it knows that session: nobody else can own it) and registers again at once, as the
 *       <em>same incarnation</em> if it still runs on the same data: the process never stopped and took no write
 *       without its lease, so it lacks nothing its partner could not have written degraded (with a hint), and the
 *       coordinator need not admit it again. If the coordinator failed it over meanwhile, the failover record
 *       sends it through a resync as usual. A znode of a session this process never had (another process
 *       registered as this member, or a restarted one's predecessor) is waited out until it vanishes.
 *   <li>RECONNECTED: confirmed at once if the znode is still ours; otherwise registers again as above.
 * </ul>
 * Registration work runs on one internal thread, so transitions never interleave; confirmations use the raw
 * ZooKeeper handle, which fails at once while disconnected instead of retrying.
 */
final class MemberRegistration extends AbstractIdleService implements Registration {
  private static final Logger LOG = LoggerFactory.getLogger(MemberRegistration.class);
  private static final Duration RETRY = Duration.ofMillis(500);

  private final CuratorFramework client;
  private final String memberId;
  private final String address;
  private final Supplier<String> dataId;
  private final Clock clock;
  private final Duration sessionTimeout;
  private final AtomicLong lastIncarnation = new AtomicLong();
  private final AtomicReference<LiveInfo> registered = new AtomicReference<>();
  /** The last registration this process made (kept when the session is lost), or null before the first. */
  private volatile LiveInfo lastRegistered;
  /** Every session this process registered under: a liveness znode owned by one of them is its own leftover. */
  private final Set<Long> ownSessions = ConcurrentHashMap.newKeySet();
  private final CountDownLatch firstRegistration = new CountDownLatch(1);
  private final ConnectionStateListener stateListener = (c, state) -> onConnectionState(state);
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(
      new ThreadFactoryBuilder().setDaemon(true).setNameFormat("registration-%d").build());

  private final Ticker ticker;
  private volatile long confirmedAtNanos;
  /** The registration's session is known to be gone: no writes until registered again. */
  private volatile boolean sessionLost;
  /**
   * ZooKeeper became unreachable while the lease was still valid: an outage this member saw begin, not a pause it
   * woke up from (a paused process finds its lease expired before it hears of any disconnection). Reads go on.
   */
  private volatile boolean outageSeenWhileHealthy;
  private volatile long leaseNanos;
  private volatile boolean writable;

  /**
   * @param dataId the identity of the member's data directory, read at each registration
   * @param sessionTimeout the session timeout asked for; also how long to wait for an earlier session's
   *     liveness znode to vanish before trying again
   */
  MemberRegistration(CuratorFramework client, String memberId, String address, Supplier<String> dataId,
      Clock clock, Duration sessionTimeout) {
    this(client, memberId, address, dataId, clock, Ticker.systemTicker(), sessionTimeout);
  }

  /**
   * As above, with the time the write lease runs out by.
   *
   * @param clock the wall time the liveness znode carries (and incarnations are made from)
   */
  public MemberRegistration(CuratorFramework client, String memberId, String address, Supplier<String> dataId,
      Clock clock, Ticker ticker, Duration sessionTimeout) {
    this.ticker = ticker;
    this.client = client;
    this.memberId = memberId;
    this.address = address;
    this.dataId = dataId;
    this.clock = clock;
    this.sessionTimeout = sessionTimeout;
    this.leaseNanos = sessionTimeout.toNanos() / 2;
  }

  @Override
  protected void startUp() throws Exception {
    client.getConnectionStateListenable().addListener(stateListener);
    worker.execute(this::registerUntilDone);
    scheduleConfirm();
    // a restarted member may have to wait for its previous session's znode to expire
    Duration limit = sessionTimeout.multipliedBy(2).plusSeconds(10);
    if (!firstRegistration.await(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "member " + memberId + " could not register in ZooKeeper within "
          + limit.toSeconds() + " s (is another process registered as " + memberId + "?)");
    }
  }

  private void scheduleConfirm() {
    long every = Math.max(TimeUnit.MILLISECONDS.toNanos(50), leaseNanos / 3);
    if (!worker.isShutdown()) {
      worker.schedule(() -> {
        confirm();
        scheduleConfirm();
      }, every, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  protected void shutDown() throws Exception {
    client.getConnectionStateListenable().removeListener(stateListener);
    worker.shutdownNow();
    LiveInfo mine = registered.getAndSet(null);
    updateWritable();
    if (mine != null) {
      try {
        Stat stat = client.checkExists().forPath(ZkPaths.live(memberId));
        if (stat != null && stat.getEphemeralOwner() == sessionId()) {
          client.delete().withVersion(stat.getVersion()).forPath(ZkPaths.live(memberId));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        LOG.info("[member={}] could not remove the liveness znode on stop ({}); it vanishes with the session",
            memberId, e.getMessage());
      }
    }
  }

  @Override
  public boolean mayAcceptWrites() {
    return registered.get() != null && !sessionLost && leaseValid();
  }

  @Override
  public boolean mayServe() {
    return registered.get() != null && (leaseValid() || outageSeenWhileHealthy);
  }

  private boolean leaseValid() {
    return ticker.read() - confirmedAtNanos < leaseNanos;
  }

  @Override
  public Optional<LiveInfo> current() {
    return Optional.ofNullable(registered.get());
  }

  /** Runs on the worker: renews the lease if the liveness znode is still ours under the current session. */
  private void confirm() {
    if (registered.get() == null || sessionLost) {
      updateWritable();
      return;
    }
    try {
      long started = ticker.read();
      ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
      Stat stat = zk.exists(ZKPaths.makePath(client.getNamespace(), ZkPaths.live(memberId)), false);
      if (stat != null && stat.getEphemeralOwner() == zk.getSessionId()) {
        leaseNanos = TimeUnit.MILLISECONDS.toNanos(zk.getSessionTimeout()) / 2;
        confirmedAtNanos = started;
      } else {
        LOG.warn("[member={}] the liveness znode is no longer ours; registering again", memberId);
        sessionLost = true;
        registerUntilDone();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.debug("[member={}] could not confirm the registration: {}", memberId, e.toString());
    }
    updateWritable();
  }

  private void onConnectionState(ConnectionState state) {
    switch (state) {
      case SUSPENDED:
        outageSeenWhileHealthy = registered.get() != null && !sessionLost && leaseValid();
        if (outageSeenWhileHealthy) {
          LOG.warn("[member={}] ZooKeeper connection suspended; reads go on, writes until the lease runs out", memberId);
        } else {
          LOG.warn("[member={}] ZooKeeper connection suspended after the lease ran out (was this process paused?); "
              + "serving nothing until registered again", memberId);
        }
        break;
      case LOST:
        sessionLost = true;
        updateWritable();
        LOG.warn("[member={}] ZooKeeper session lost; no writes, reads until it is registered again", memberId);
        break;
      case CONNECTED:
      case RECONNECTED:
        if (!sessionLost) {
          outageSeenWhileHealthy = false; // the same session: the registration below renews the lease at once
        }
        // after a lost session, reads go on until the new registration replaces the old one: the old session's
        // znode vanishes first, and with it any chance that the old incarnation is still served from here
        worker.execute(this::registerUntilDone);
        break;
      default:
        break;
    }
  }

  /** Runs on the worker: registers (or confirms the registration) and retries until done or stopped. */
  private void registerUntilDone() {
    if (worker.isShutdown()) {
      return;
    }
    try {
      if (tryRegister()) {
        firstRegistration.countDown();
        updateWritable();
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
    long started = ticker.read();
    long session = sessionId();
    Stat existing = client.checkExists().forPath(path);
    if (existing != null && existing.getEphemeralOwner() == session && registered.get() != null && !sessionLost) {
      confirmedAtNanos = started; // reconnected within the same session: still ours
      return true;
    }
    if (existing != null && existing.getEphemeralOwner() != session) {
      if (ownSessions.contains(existing.getEphemeralOwner())) {
        removeOwnLeftover(path, existing);
      } else {
        LOG.info("[member={}] waiting for the liveness znode of an earlier session (0x{}) to vanish",
            memberId, Long.toHexString(existing.getEphemeralOwner()));
        if (!awaitDeletion(path)) {
          return false;
        }
      }
    }
    String data = dataId.get();
    LiveInfo previous = lastRegistered;
    boolean renewal = previous != null && java.util.Objects.equals(previous.dataId(), data);
    long incarnation = renewal ? previous.incarnation()
        : lastIncarnation.updateAndGet(prev -> Math.max(prev + 1, clock.millis()));
    LiveInfo info = new LiveInfo(memberId, address, Long.toHexString(session), clock.millis(), incarnation, data);
    try {
      client.create().withMode(CreateMode.EPHEMERAL).forPath(path, ZnodeCodec.LIVE.encode(info));
    } catch (KeeperException.NodeExistsException e) {
      Stat now = client.checkExists().forPath(path);
      if (now == null || now.getEphemeralOwner() != session) {
        return false;
      }
    }
    confirmedAtNanos = started;
    ownSessions.add(session);
    lastRegistered = info;
    registered.set(info);
    sessionLost = false;
    outageSeenWhileHealthy = false;
    LOG.info("[member={}] registered at {} ({}incarnation {}, data {}, session 0x{})", memberId, address,
        renewal ? "again as the same " : "", incarnation, info.dataId(), Long.toHexString(session));
    return true;
  }

  /** Deletes the liveness znode an expired session of this process left behind (only that version of it). */
  private void removeOwnLeftover(String path, Stat existing) throws Exception {
    try {
      client.delete().withVersion(existing.getVersion()).forPath(path);
      LOG.info("[member={}] removed the liveness znode its own expired session 0x{} left", memberId,
          Long.toHexString(existing.getEphemeralOwner()));
    } catch (KeeperException.NoNodeException | KeeperException.BadVersionException gone) {
      // it vanished (or changed) meanwhile: the create below finds out which
    }
  }

  private boolean awaitDeletion(String path) throws Exception {
    CountDownLatch gone = new CountDownLatch(1);
    Stat stat = client.checkExists().usingWatcher((org.apache.zookeeper.Watcher) event -> gone.countDown()).forPath(path);
    if (stat == null) {
      return true;
    }
    return gone.await(sessionTimeout.toMillis(), TimeUnit.MILLISECONDS)
        && client.checkExists().forPath(path) == null;
  }

  private long sessionId() throws Exception {
    return client.getZookeeperClient().getZooKeeper().getSessionId();
  }

  /** Logs a change of the write fence once, when it really changes. */
  private void updateWritable() {
    boolean now = mayAcceptWrites();
    if (now != writable) {
      writable = now;
      LOG.info("[member={}] {}", memberId, now ? "takes writes" : "takes no writes (no confirmed registration)");
    }
  }

  @Override
  protected String serviceName() {
    return "MemberRegistration[" + memberId + "]";
  }
}
