package io.dyad.rpc;

import com.google.common.base.Ticker;
import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client connections to servers, bounded per server (as Ambry pools its connections per host): at most
 * {@code maxPerTarget} open at once (a caller waits up to the checkout timeout for one, then gets UNAVAILABLE);
 * idle ones are kept for reuse, most recently used first, but closed once idle longer than {@code maxIdle} —
 * which must be well below the servers' own idle timeout, so that a reused connection is never one the server has
 * already closed. A call made on a reused connection that fails because the connection broke is repeated once on
 * a fresh one before the server is treated as failed ({@link #call}). The calls in flight to a server can be
 * {@link #abandon abandoned} (its member was failed over): they fail at once, so that callers turn to its partner
 * instead of waiting out their timeouts on a paused or partitioned server. Thread-safe.
 *
 * @param <C> the connection type
 */
public final class ConnectionPool<C extends PooledConnection> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionPool.class);

  /** Opens a connection to a server. */
  @FunctionalInterface
  public interface Factory<C> {
    C connect(HostAndPort target) throws DyadException;
  }

  /** A call against one connection. */
  @FunctionalInterface
  public interface Call<C, T> {
    T call(C connection) throws DyadException;
  }

  /** Whether a call may be sent again after its connection broke (the first may have been carried out). */
  public enum Retry {
    SAFE,
    NEVER
  }

  /** A connection idle this long is checked for a close by the server before it is reused. */
  private static final long PROBE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Factory<C> factory;
  private final int maxPerTarget;
  private final Duration checkoutTimeout;
  private final long maxIdleNanos;
  private final Ticker ticker;
  private final ConcurrentMap<HostAndPort, Target> targets = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public ConnectionPool(Factory<C> factory, int maxPerTarget, Duration checkoutTimeout, Duration maxIdle) {
    this(factory, maxPerTarget, checkoutTimeout, maxIdle, Ticker.systemTicker());
  }

  /** As above, with the time source that ages idle connections and orders leases against abandonments. */
  public ConnectionPool(Factory<C> factory, int maxPerTarget, Duration checkoutTimeout, Duration maxIdle,
      Ticker ticker) {
    this.factory = factory;
    this.maxPerTarget = maxPerTarget;
    this.checkoutTimeout = checkoutTimeout;
    this.maxIdleNanos = maxIdle.toNanos();
    this.ticker = ticker;
  }

  /** One server's connections: a permit per connection in use, idle ones most recently used first. */
  private final class Target {
    final Semaphore permits = new Semaphore(maxPerTarget, true);
    final ArrayDeque<Idle<C>> idle = new ArrayDeque<>();
    final java.util.Set<Lease> inUse = ConcurrentHashMap.newKeySet();
    /** when the calls to this server were last abandoned (the pool's ticker), and why */
    volatile long abandonedAt;
    volatile String abandonedBecause;
  }

  private record Idle<C>(C connection, long since) {}

  /** A permit taken on a server, and when its taking began: a lease begun before an abandonment is abandoned too. */
  private final class Checkout {
    private final Target target;
    private final long startedAt;

    Checkout(Target target, long startedAt) {
      this.target = target;
      this.startedAt = startedAt;
    }

    Target target() {
      return target;
    }

    long startedAt() {
      return startedAt;
    }
  }

  /**
   * Runs {@code fn} on a connection to {@code target}. If it fails because a reused connection broke (the server
   * closed it, say) and {@code retry} is SAFE, it runs once more on a fresh connection.
   *
   * @throws DyadException what {@code fn} threw, or UNAVAILABLE if no connection could be had
   */
  public <T> T call(HostAndPort target, Retry retry, Call<C, T> fn) throws DyadException {
    try (Lease lease = lease(target)) {
      try {
        return fn.call(lease.connection());
      } catch (DyadException e) {
        String abandoned = lease.abandonedBecause;
        if (abandoned != null) {
          throw new DyadException(ErrorCode.UNAVAILABLE, "the call to " + target + " was abandoned: " + abandoned, e);
        }
        if (!lease.reused() || retry == Retry.NEVER || !lease.connection().isBroken()) {
          throw e;
        }
        LOG.debug("a reused connection to {} failed ({}); trying a fresh one", target, e.getMessage());
      }
    }
    try (Lease fresh = leaseFresh(target)) {
      return fn.call(fresh.connection());
    }
  }

  /** A connection to {@code target}, reused if one is idle. The caller must close the lease. */
  public Lease lease(HostAndPort target) throws DyadException {
    Checkout checkout = acquire(target);
    C c = takeIdle(checkout.target());
    return c != null ? new Lease(target, checkout, c, true) : connect(target, checkout);
  }

  /** A new connection to {@code target} (for a retry after a reused one broke). The caller must close the lease. */
  public Lease leaseFresh(HostAndPort target) throws DyadException {
    return connect(target, acquire(target));
  }

  private Lease connect(HostAndPort target, Checkout checkout) throws DyadException {
    try {
      return new Lease(target, checkout, factory.connect(target), false);
    } catch (DyadException | RuntimeException e) {
      checkout.target().permits.release();
      throw e;
    }
  }

  private Checkout acquire(HostAndPort target) throws DyadException {
    long startedAt = ticker.read();
    if (closed) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "the connection pool is closed (shutting down)");
    }
    Target t = targets.computeIfAbsent(target, n -> new Target());
    try {
      if (!t.permits.tryAcquire(checkoutTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new DyadException(ErrorCode.UNAVAILABLE, "all " + maxPerTarget + " connections to " + target
            + " stayed busy for " + checkoutTimeout.toMillis() + " ms");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DyadException(ErrorCode.UNAVAILABLE, "interrupted while waiting for a connection to " + target, e);
    }
    return new Checkout(t, startedAt);
  }

  /** The most recently used idle connection that is still good, or null; stale ones are closed on the way. */
  private C takeIdle(Target t) {
    while (true) {
      Idle<C> i;
      synchronized (t) {
        i = t.idle.pollFirst();
      }
      if (i == null) {
        return null;
      }
      long idle = ticker.read() - i.since();
      if (idle >= maxIdleNanos || i.connection().isBroken()
          || (idle > PROBE_AFTER_NANOS && i.connection().closedByPeer())) {
        i.connection().close();
        continue;
      }
      return i.connection();
    }
  }

  /** Closes connections idle for longer than the limit; returns how many. Call now and then. */
  public int evictIdle() {
    long now = ticker.read();
    int evicted = 0;
    for (Target t : targets.values()) {
      List<C> old = new ArrayList<>();
      synchronized (t) {
        while (!t.idle.isEmpty() && now - t.idle.peekLast().since() >= maxIdleNanos) {
          old.add(t.idle.pollLast().connection());
        }
      }
      old.forEach(PooledConnection::close);
      evicted += old.size();
    }
    return evicted;
  }

  /** Drops idle connections to a server (it failed): the next lease connects afresh. */
  public void forget(HostAndPort target) {
    Target t = targets.get(target);
    if (t == null) {
      return;
    }
    List<Idle<C>> dropped;
    synchronized (t) {
      dropped = new ArrayList<>(t.idle);
      t.idle.clear();
    }
    dropped.forEach(i -> i.connection().close());
  }

  /**
   * Abandons the calls in flight to a server: they are cut at once (they fail with UNAVAILABLE, and are not repeated
   * on a fresh connection), and so are calls whose connection was being made meanwhile; idle connections are closed.
   * Later calls go through as usual (a failed-over member still answers lookups of its own copy). For a member the
   * coordinator failed over: it may be paused or cut off, and its partner serves. Never blocks.
   *
   * @param why what the callers are told (e.g. "a1 was failed over")
   */
  public void abandon(HostAndPort target, String why) {
    Target t = targets.computeIfAbsent(target, n -> new Target());
    t.abandonedAt = ticker.read();
    t.abandonedBecause = why; // after the time: a reader that sees the reason sees the time

    for (Lease lease : t.inUse) {
      lease.abandon(why);
    }
    List<Idle<C>> dropped;
    synchronized (t) {
      dropped = new ArrayList<>(t.idle);
      t.idle.clear();
    }
    dropped.forEach(i -> i.connection().abort()); // a TLS close would wait to send to a server that may be paused
  }

  /** Connections open per server now (in use and idle). */
  public Map<HostAndPort, Integer> openConnections() {
    Map<HostAndPort, Integer> out = new TreeMap<>(Comparator.comparing(HostAndPort::toString));
    targets.forEach((target, t) -> {
      int idle;
      synchronized (t) {
        idle = t.idle.size();
      }
      out.put(target, maxPerTarget - t.permits.availablePermits() + idle);
    });
    return out;
  }

  @Override
  public void close() {
    closed = true;
    for (HostAndPort target : targets.keySet()) {
      forget(target);
    }
  }

  /** One borrowed connection; closing it returns the connection (or closes it if it broke). */
  public final class Lease implements AutoCloseable {
    private final HostAndPort target;
    private final Target owner;
    private final C connection;
    private final boolean reused;
    private boolean returned;
    /** why {@link #abandon} cut it while in use, or null */
    volatile String abandonedBecause;

    private Lease(HostAndPort target, Checkout checkout, C connection, boolean reused) {
      this.target = target;
      this.owner = checkout.target();
      this.connection = connection;
      this.reused = reused;
      owner.inUse.add(this);
      String why = owner.abandonedBecause;
      if (why != null && checkout.startedAt() - owner.abandonedAt < 0) {
        abandon(why); // abandoned while this lease was being made: cut like the others
      }
    }

    private void abandon(String why) {
      abandonedBecause = why;
      connection.abort();
    }

    public C connection() {
      return connection;
    }

    public HostAndPort target() {
      return target;
    }

    /** Whether the connection was idle in the pool before (it may have gone stale), rather than new. */
    public boolean reused() {
      return reused;
    }

    @Override
    public void close() {
      if (returned) {
        return;
      }
      returned = true;
      owner.inUse.remove(this);
      if (closed || abandonedBecause != null || connection.isBroken()) {
        connection.close();
      } else {
        connection.trim();
        synchronized (owner) {
          owner.idle.addFirst(new Idle<>(connection, ticker.read()));
        }
      }
      owner.permits.release();
    }
  }
}
