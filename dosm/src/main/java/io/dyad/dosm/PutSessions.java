package io.dyad.dosm;

import com.google.common.base.Ticker;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.rpc.server.CallContext;
import io.dyad.server.LogLimiter;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The puts in progress on this DOSM, bounded so that careless or hostile clients cannot take the cluster's write
 * sessions: at most {@code maxOpen} in all, {@code maxPerAddress} from one client address (its clients' connections
 * together: one address could otherwise hold a thousand connections' worth) and {@code maxPerConnection} from one
 * connection; each one aborted when idle for {@code idleTimeout}, or when the connection that opened it closes.
 *
 * <p>Under pressure idle puts go sooner ({@code idleTimeoutUnderPressure}): in every sweep once half of
 * {@code maxOpen} are open, and, before an address at its bound (or a DOSM at its own) is refused, for that
 * address's puts (or all). A refusal is UNAVAILABLE (retry later), counted, and logged once a minute per address.
 * Thread-safe.
 */
final class PutSessions {
  private static final Logger LOG = LoggerFactory.getLogger(PutSessions.class);

  /** A put as the sessions see it ({@link PutOperation}). */
  interface Put {
    String putId();

    long lastTouchedNanos();

    /** Ends the put without waiting for a call in progress. */
    void abort();
  }

  /** Who opened a put: its connection and the connection's address. */
  private record Owner(long connection, String address) {}

  private final AtomicLong refused = new AtomicLong();
  private final ConcurrentMap<String, Put> open = new ConcurrentHashMap<>();
  private final ConcurrentMap<Long, Set<String>> byConnection = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Set<String>> byAddress = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Owner> owner = new ConcurrentHashMap<>();
  private final Ticker ticker;
  private final long idleNanos;
  private final long pressureIdleNanos;
  private final int maxOpen;
  private final int maxPerConnection;
  private final int maxPerAddress;
  private final Executor cleanup;

  /** @param cleanup runs the aborts of a closed connection's puts (never on the server's I/O thread) */
  PutSessions(Duration idleTimeout, Duration idleTimeoutUnderPressure, int maxOpen, int maxPerConnection,
      int maxPerAddress, Executor cleanup, Ticker ticker) {
    this.idleNanos = idleTimeout.toNanos();
    this.pressureIdleNanos = Math.min(idleNanos, idleTimeoutUnderPressure.toNanos());
    this.maxOpen = maxOpen;
    this.maxPerConnection = maxPerConnection;
    this.maxPerAddress = maxPerAddress;
    this.cleanup = cleanup;
    this.ticker = ticker;
  }

  /**
   * Refuses a new put if this DOSM, the calling address or the calling connection has too many open (after expiring
   * idle ones of the DOSM, or of the address, under pressure).
   */
  void checkRoom(Optional<CallContext> caller) throws DyadException {
    if (open.size() >= maxOpen) {
      int expired = expire(pressureIdleNanos, null);
      if (expired > 0) {
        LogLimiter.info(LOG, "puts-pressure", "{} put(s) idle over {} s expired to make room ({} of {} open)", expired,
            Duration.ofNanos(pressureIdleNanos).toSeconds(), open.size(), maxOpen);
      }
    }
    if (open.size() >= maxOpen) {
      refused.incrementAndGet();
      LogLimiter.warn(LOG, "puts-full", "refused a put: {} puts are open on this DOSM (the limit)", maxOpen);
      throw new DyadException(ErrorCode.UNAVAILABLE, "too many puts in progress on this DOSM (" + maxOpen
          + "); retry later");
    }
    if (caller.isEmpty()) {
      return;
    }
    Set<String> mine = byConnection.get(caller.get().connectionId());
    if (mine != null && mine.size() >= maxPerConnection) {
      throw DyadException.invalidArgument("this connection has " + mine.size() + " puts open (the limit is "
          + maxPerConnection + "); commit or abort some first");
    }
    String address = caller.get().peerHost();
    if (fromAddress(address) >= maxPerAddress) {
      expire(pressureIdleNanos, address);
      int n = fromAddress(address);
      if (n >= maxPerAddress) {
        refused.incrementAndGet();
        LogLimiter.warn(LOG, "puts-address:" + address, "refused a put from {}: {} puts are open from that address "
            + "(the limit per address is {})", address, n, maxPerAddress);
        throw new DyadException(ErrorCode.UNAVAILABLE, n + " puts are open from your address (the limit per address "
            + "is " + maxPerAddress + "); commit or abort some, or retry later");
      }
    }
  }

  private int fromAddress(String address) {
    Set<String> puts = byAddress.get(address);
    return puts == null ? 0 : puts.size();
  }

  /** Tracks a new put; it belongs to the calling connection, if any, and ends when that connection closes. */
  void add(Put op, Optional<CallContext> caller) {
    open.put(op.putId(), op);
    if (caller.isEmpty()) {
      return;
    }
    long connection = caller.get().connectionId();
    Set<String> mine = byConnection.computeIfAbsent(connection, c -> {
      caller.get().onClose(() -> cleanup.execute(() -> abortConnection(connection)));
      return ConcurrentHashMap.newKeySet();
    });
    mine.add(op.putId());
    String address = caller.get().peerHost();
    byAddress.compute(address, (k, puts) -> {
      Set<String> s = puts != null ? puts : ConcurrentHashMap.newKeySet();
      s.add(op.putId());
      return s;
    });
    owner.put(op.putId(), new Owner(connection, address));
  }

  /** The open put {@code putId} (NOT_FOUND if unknown or ended). The caller knows its concrete type. */
  @SuppressWarnings("unchecked")
  <P extends Put> P get(String putId) throws DyadException {
    Put op = putId == null ? null : open.get(putId);
    if (op == null) {
      throw DyadException.notFound("put " + putId + " is unknown or has ended");
    }
    return (P) op;
  }

  void remove(Put op) {
    if (open.remove(op.putId(), op)) {
      forgetOwner(op.putId());
    }
  }

  private void forgetOwner(String putId) {
    Owner o = owner.remove(putId);
    if (o == null) {
      return;
    }
    Set<String> mine = byConnection.get(o.connection());
    if (mine != null) {
      mine.remove(putId);
    }
    byAddress.computeIfPresent(o.address(), (k, puts) -> {
      puts.remove(putId);
      return puts.isEmpty() ? null : puts;
    });
  }

  private void abortConnection(long connection) {
    Set<String> mine = byConnection.remove(connection);
    if (mine == null) {
      return;
    }
    int n = 0;
    for (String putId : mine) {
      Put op = open.remove(putId);
      forgetOwner(putId);
      if (op != null) {
        op.abort();
        n++;
      }
    }
    if (n > 0) {
      LogLimiter.info(LOG, "puts-closed", "aborted {} put(s) left open by a client connection that closed", n);
    }
  }

  /**
   * Aborts puts idle for longer than the timeout (the shorter one once half of the bound is open); returns how many.
   * One log line for them all.
   */
  int expireIdle() {
    boolean pressure = 2L * open.size() >= maxOpen;
    long limit = pressure ? pressureIdleNanos : idleNanos;
    int n = expire(limit, null);
    if (n > 0) {
      LOG.info("{} put(s) expired after {} s idle{}", n, Duration.ofNanos(limit).toSeconds(),
          pressure ? " (" + open.size() + " of " + maxOpen + " open: under pressure)" : "");
    }
    return n;
  }

  /** Aborts the puts idle for over {@code idleLimitNanos}, of {@code address} only if it is not null. */
  private int expire(long idleLimitNanos, String address) {
    long now = ticker.read();
    int n = 0;
    for (Put op : open.values()) {
      if (now - op.lastTouchedNanos() <= idleLimitNanos) {
        continue;
      }
      Owner o = owner.get(op.putId());
      if (address != null && (o == null || !o.address().equals(address))) {
        continue;
      }
      if (open.remove(op.putId(), op)) {
        forgetOwner(op.putId());
        op.abort();
        n++;
        LOG.debug("put {} expired after {} s idle", op.putId(), Duration.ofNanos(idleLimitNanos).toSeconds());
      }
    }
    if (n > 0 && address != null) {
      LogLimiter.info(LOG, "puts-expired:" + address, "{} put(s) from {} idle over {} s expired to make room for its "
          + "new ones", n, address, Duration.ofNanos(idleLimitNanos).toSeconds());
    }
    return n;
  }

  void abortAll() {
    for (Put op : open.values()) {
      if (open.remove(op.putId(), op)) {
        op.abort();
      }
    }
    byConnection.clear();
    byAddress.clear();
    owner.clear();
  }

  int size() {
    return open.size();
  }

  /** Puts refused since the start (this DOSM or the client's address had too many open). */
  long refused() {
    return refused.get();
  }
}
