package io.dyad.dosm;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.rpc.server.CallContext;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The puts in progress on this DOSM, bounded three ways so that careless or hostile clients cannot take the
 * cluster's write sessions: at most {@code maxOpen} in all, at most {@code maxPerConnection} opened by one client
 * connection, and each one aborted when idle for {@code idleTimeout} or when the connection that opened it closes.
 * Thread-safe.
 */
final class PutSessions {
  private static final Logger LOG = LoggerFactory.getLogger(PutSessions.class);

  private final ConcurrentMap<String, PutOperation> open = new ConcurrentHashMap<>();
  private final ConcurrentMap<Long, Set<String>> byConnection = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Long> owner = new ConcurrentHashMap<>();
  private final long idleNanos;
  private final int maxOpen;
  private final int maxPerConnection;
  private final Executor cleanup;

  /** @param cleanup runs the aborts of a closed connection's puts (never on the server's I/O thread) */
  PutSessions(Duration idleTimeout, int maxOpen, int maxPerConnection, Executor cleanup) {
    this.idleNanos = idleTimeout.toNanos();
    this.maxOpen = maxOpen;
    this.maxPerConnection = maxPerConnection;
    this.cleanup = cleanup;
  }

  /** Refuses a new put if this DOSM or the calling connection has too many open. */
  void checkRoom(Optional<CallContext> caller) throws DyadException {
    if (open.size() >= maxOpen) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "too many puts in progress on this DOSM (" + maxOpen
          + "); retry later");
    }
    if (caller.isPresent()) {
      Set<String> mine = byConnection.get(caller.get().connectionId());
      if (mine != null && mine.size() >= maxPerConnection) {
        throw DyadException.invalidArgument("this connection has " + mine.size() + " puts open (the limit is "
            + maxPerConnection + "); commit or abort some first");
      }
    }
  }

  /** Tracks a new put; it belongs to the calling connection, if any, and ends when that connection closes. */
  void add(PutOperation op, Optional<CallContext> caller) {
    open.put(op.putId, op);
    if (caller.isEmpty()) {
      return;
    }
    long connection = caller.get().connectionId();
    Set<String> mine = byConnection.computeIfAbsent(connection, c -> {
      caller.get().onClose(() -> cleanup.execute(() -> abortConnection(connection)));
      return ConcurrentHashMap.newKeySet();
    });
    mine.add(op.putId);
    owner.put(op.putId, connection);
  }

  PutOperation get(String putId) throws DyadException {
    PutOperation op = putId == null ? null : open.get(putId);
    if (op == null) {
      throw DyadException.notFound("put " + putId + " is unknown or has ended");
    }
    return op;
  }

  void remove(PutOperation op) {
    if (open.remove(op.putId, op)) {
      forgetOwner(op.putId);
    }
  }

  private void forgetOwner(String putId) {
    Long connection = owner.remove(putId);
    if (connection != null) {
      Set<String> mine = byConnection.get(connection);
      if (mine != null) {
        mine.remove(putId);
      }
    }
  }

  private void abortConnection(long connection) {
    Set<String> mine = byConnection.remove(connection);
    if (mine == null) {
      return;
    }
    int n = 0;
    for (String putId : mine) {
      owner.remove(putId);
      PutOperation op = open.remove(putId);
      if (op != null) {
        op.abort();
        n++;
      }
    }
    if (n > 0) {
      LOG.info("aborted {} put(s) left open by a client connection that closed", n);
    }
  }

  /** Aborts puts idle for longer than the timeout; returns how many. */
  int expireIdle() {
    long now = System.nanoTime();
    int n = 0;
    for (PutOperation op : open.values()) {
      if (now - op.lastTouchedNanos() > idleNanos && open.remove(op.putId, op)) {
        forgetOwner(op.putId);
        op.abort();
        n++;
        LOG.info("put {} of {} expired after {} s idle", op.putId, op.id, Duration.ofNanos(idleNanos).toSeconds());
      }
    }
    return n;
  }

  void abortAll() {
    for (PutOperation op : open.values()) {
      if (open.remove(op.putId, op)) {
        op.abort();
      }
    }
    byConnection.clear();
    owner.clear();
  }

  int size() {
    return open.size();
  }
}
