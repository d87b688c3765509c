package io.dyad.dosm;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The puts in progress on this DOSM: bounded in number, aborted when idle. Thread-safe. */
final class PutSessions {
  private static final Logger LOG = LoggerFactory.getLogger(PutSessions.class);

  private final ConcurrentMap<String, PutOperation> open = new ConcurrentHashMap<>();
  private final long idleNanos;
  private final int maxOpen;

  PutSessions(Duration idleTimeout, int maxOpen) {
    this.idleNanos = idleTimeout.toNanos();
    this.maxOpen = maxOpen;
  }

  void checkRoom() throws DyadException {
    if (open.size() >= maxOpen) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "too many puts in progress on this DOSM (" + maxOpen + "); retry later");
    }
  }

  void add(PutOperation op) {
    open.put(op.putId, op);
  }

  PutOperation get(String putId) throws DyadException {
    PutOperation op = putId == null ? null : open.get(putId);
    if (op == null) {
      throw DyadException.notFound("put " + putId + " is unknown or has expired");
    }
    return op;
  }

  void remove(PutOperation op) {
    open.remove(op.putId, op);
  }

  int expireIdle() {
    long now = System.nanoTime();
    int n = 0;
    for (PutOperation op : open.values()) {
      if (now - op.lastTouchedNanos() > idleNanos && open.remove(op.putId, op)) {
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
  }

  int size() {
    return open.size();
  }
}
