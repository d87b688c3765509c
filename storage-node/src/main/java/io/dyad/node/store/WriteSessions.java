package io.dyad.node.store;

import com.google.common.base.Ticker;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The open write sessions of a store: bounded in number, expired when idle. Thread-safe. */
final class WriteSessions {
  private static final Logger LOG = LoggerFactory.getLogger(WriteSessions.class);

  private final ConcurrentMap<String, WriteSession> open = new ConcurrentHashMap<>();
  private final Path tmpDir;
  private final Ticker ticker;
  private final long idleNanos;
  private final int maxOpen;

  WriteSessions(Path tmpDir, Ticker ticker, Duration idleTimeout, int maxOpen) {
    this.tmpDir = tmpDir;
    this.ticker = ticker;
    this.idleNanos = idleTimeout.toNanos();
    this.maxOpen = maxOpen;
  }

  WriteSession open(ObjectId id) throws DyadException {
    // a soft bound: concurrent opens may overshoot it by a few, which is harmless
    if (open.size() >= maxOpen) {
      throw new DyadException(ErrorCode.UNAVAILABLE,
          "too many write sessions open (" + maxOpen + "); retry later");
    }
    String sessionId = UUID.randomUUID().toString();
    try {
      WriteSession s = WriteSession.create(sessionId, id, tmpDir, ticker.read());
      open.put(sessionId, s);
      return s;
    } catch (IOException e) {
      throw IoErrors.translate(e, "opening a write session for object " + id);
    }
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
    open.remove(s.sessionId(), s);
  }

  long nowNanos() {
    return ticker.read();
  }

  /** Aborts sessions idle for longer than the timeout; returns how many. */
  int expireIdle() {
    long now = ticker.read();
    int expired = 0;
    for (WriteSession s : open.values()) {
      if (now - s.lastTouchedNanos() > idleNanos && open.remove(s.sessionId(), s)) {
        s.abort();
        expired++;
        LOG.info("write session {} for object {} expired after {} s idle; its bytes were removed",
            s.sessionId(), s.objectId(), Duration.ofNanos(idleNanos).toSeconds());
      }
    }
    return expired;
  }

  void abortAll() {
    for (WriteSession s : open.values()) {
      if (open.remove(s.sessionId(), s)) {
        s.abort();
      }
    }
  }

  int size() {
    return open.size();
  }
}
