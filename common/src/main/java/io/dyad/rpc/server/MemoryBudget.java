package io.dyad.rpc.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A bound on bytes held at once (request frames being received or waiting to be handled). Taking never blocks:
 * a caller that cannot take simply waits to be told that bytes were given back. Thread-safe.
 */
final class MemoryBudget {
  private final long limit;
  private final AtomicLong used = new AtomicLong();
  private final Runnable onRelease;

  /** @param onRelease called after bytes are given back (to resume readers that waited); must not block */
  MemoryBudget(long limit, Runnable onRelease) {
    this.limit = limit;
    this.onRelease = onRelease;
  }

  /** Takes {@code bytes} if that stays within the limit. */
  boolean tryTake(long bytes) {
    while (true) {
      long now = used.get();
      if (now + bytes > limit) {
        return false;
      }
      if (used.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  void giveBack(long bytes) {
    if (bytes > 0) {
      used.addAndGet(-bytes);
      onRelease.run();
    }
  }

  long used() {
    return used.get();
  }

  long limit() {
    return limit;
  }
}
