package io.dyad.node.store;

import com.google.common.base.Ticker;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.server.LogLimiter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open write sessions of a store: bounded in number, shared between the gateways that open them, expired when
 * idle. Thread-safe.
 *
 * <p>Each session belongs to an owner (the gateway that opened it). Every owner is kept {@code reservedPerOwner}
 * sessions: an owner beyond its reservation may open one only while the free sessions stay enough for the unused
 * reservations of the other owners with sessions open, and for one more owner not seen yet. So one gateway whose
 * clients abandon thousands of puts cannot take the sessions every other gateway needs; a gateway alone may use all
 * but one reservation.
 *
 * <p>Under pressure — from three quarters of {@code maxOpen}, or when a session would be refused — sessions idle
 * for {@code idleTimeoutUnderPressure} are expired rather than {@code idleTimeout}.
 */
final class WriteSessions {
  private static final Logger LOG = LoggerFactory.getLogger(WriteSessions.class);

  private final ConcurrentMap<String, WriteSession> open = new ConcurrentHashMap<>();
  /** sessions open per owner; changed only under {@code this} lock */
  private final Map<String, Integer> byOwner = new HashMap<>();
  private final Map<String, String> ownerOf = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();
  private final Path tmpDir;
  private final Ticker ticker;
  private final long idleNanos;
  private final long pressureIdleNanos;
  private final int maxOpen;
  private final int reservedPerOwner;

  WriteSessions(Path tmpDir, Ticker ticker, Duration idleTimeout, Duration idleTimeoutUnderPressure, int maxOpen,
      int reservedPerOwner) {
    this.tmpDir = tmpDir;
    this.ticker = ticker;
    this.idleNanos = idleTimeout.toNanos();
    this.pressureIdleNanos = Math.min(idleNanos, idleTimeoutUnderPressure.toNanos());
    this.maxOpen = maxOpen;
    this.reservedPerOwner = Math.min(reservedPerOwner, Math.max(1, maxOpen / 2));
  }

  /**
   * Opens a session for {@code owner} (a gateway).
   *
   * @throws DyadException UNAVAILABLE if the store has too many open, or this owner has its share of them
   */
  WriteSession open(ObjectId id, String owner) throws DyadException {
    if (!reserve(owner)) {
      int expired = expire(pressureIdleNanos);
      if (expired > 0) {
        LogLimiter.info(LOG, "sessions-pressure", "{} write session(s) idle over {} s expired to make room ({} open, "
            + "the limit is {})", expired, Duration.ofNanos(pressureIdleNanos).toSeconds(), open.size(), maxOpen);
      }
      if (!reserve(owner)) {
        refused.incrementAndGet();
        int mine;
        synchronized (this) {
          mine = byOwner.getOrDefault(owner, 0);
        }
        LogLimiter.warn(LOG, "sessions-full:" + owner, "refused a write session to {}: {} sessions open (the limit is "
            + "{}; {} are kept for each gateway), {} of them its own; {} idle ones expired to make room", owner,
            open.size(), maxOpen, reservedPerOwner, mine, expired);
        throw new DyadException(ErrorCode.UNAVAILABLE, "too many write sessions open on this node (" + open.size()
            + " of " + maxOpen + ", " + mine + " of them this gateway's); retry later");
      }
    }
    String sessionId = UUID.randomUUID().toString();
    try {
      WriteSession s = WriteSession.create(sessionId, id, tmpDir, ticker.read());
      ownerOf.put(sessionId, owner);
      open.put(sessionId, s);
      return s;
    } catch (IOException e) {
      release(owner);
      throw IoErrors.translate(e, "opening a write session for object " + id);
    } catch (RuntimeException e) {
      release(owner);
      throw e;
    }
  }

  /** Counts a session in for {@code owner} if the rules allow it. */
  private synchronized boolean reserve(String owner) {
    int total = byOwner.values().stream().mapToInt(Integer::intValue).sum();
    if (total >= maxOpen) {
      return false;
    }
    int mine = byOwner.getOrDefault(owner, 0);
    if (mine >= reservedPerOwner) {
      long keptForOthers = reservedPerOwner; // for a gateway not seen yet
      for (Map.Entry<String, Integer> e : byOwner.entrySet()) {
        if (!e.getKey().equals(owner)) {
          keptForOthers += Math.max(0, reservedPerOwner - e.getValue());
        }
      }
      if (maxOpen - total - 1 < keptForOthers) {
        return false;
      }
    }
    byOwner.put(owner, mine + 1);
    return true;
  }

  private synchronized void release(String owner) {
    byOwner.computeIfPresent(owner, (k, n) -> n <= 1 ? null : n - 1);
  }

  /** The open session, or NOT_FOUND if it is unknown, ended or expired. */
  WriteSession get(String sessionId) throws DyadException {
    WriteSession s = sessionId == null ? null : open.get(sessionId);
    if (s == null) {
      throw DyadException.notFound("write session " + sessionId + " is unknown or has expired");
    }
    return s;
  }

  /** Forgets a session (after commit or abort). */
  void remove(WriteSession s) {
    if (open.remove(s.sessionId(), s)) {
      forgetOwner(s);
    }
  }

  private void forgetOwner(WriteSession s) {
    String owner = ownerOf.remove(s.sessionId());
    if (owner != null) {
      release(owner);
    }
  }

  long nowNanos() {
    return ticker.read();
  }

  /**
   * Aborts sessions idle for longer than the timeout (the shorter one under pressure); returns how many. Logs one
   * line for them all.
   */
  int expireIdle() {
    boolean pressure = 4L * open.size() >= 3L * maxOpen;
    int n = expire(pressure ? pressureIdleNanos : idleNanos);
    if (n > 0) {
      LOG.info("{} write session(s) expired after {} s idle{}; their bytes were removed", n,
          Duration.ofNanos(pressure ? pressureIdleNanos : idleNanos).toSeconds(),
          pressure ? " (" + open.size() + " of " + maxOpen + " sessions open: under pressure)" : "");
    }
    return n;
  }

  private int expire(long idleLimitNanos) {
    long now = ticker.read();
    int expired = 0;
    for (WriteSession s : open.values()) {
      if (now - s.lastTouchedNanos() > idleLimitNanos && open.remove(s.sessionId(), s)) {
        forgetOwner(s);
        s.abort();
        expired++;
        LOG.debug("write session {} for object {} expired; its bytes were removed", s.sessionId(), s.objectId());
      }
    }
    return expired;
  }

  void abortAll() {
    for (WriteSession s : open.values()) {
      if (open.remove(s.sessionId(), s)) {
        forgetOwner(s);
        s.abort();
      }
    }
  }

  int size() {
    return open.size();
  }

  /** Sessions refused since the start (the store or the gateway had too many). */
  long refused() {
    return refused.get();
  }
}
