package io.dyad.rpc.server;

/**
 * A bound on the bytes of request frames held at once (being received, or waiting to be handled). Taking never
 * blocks: a connection that cannot take stops being read, and is told when bytes come back.
 *
 * <p>Frames are buffered as their bytes arrive, so several half-received frames could fill the budget and none be
 * able to finish. To rule that out, one connection at a time may go over the limit by up to one frame
 * ({@code headroom}): its frame always completes, and its bytes coming back let the others go on. Memory is thus
 * bounded by the limit plus one frame. Thread-safe.
 */
final class MemoryBudget {
  private final long limit;
  private final long headroom;
  private final Runnable onRelease;
  private long used;
  private Object overLimit;

  /**
   * @param headroom how far the one privileged connection may go over the limit (the largest frame)
   * @param onRelease called after bytes are given back (to resume readers that waited); must not block
   */
  MemoryBudget(long limit, long headroom, Runnable onRelease) {
    this.limit = limit;
    this.headroom = headroom;
    this.onRelease = onRelease;
  }

  /** Takes {@code bytes} for {@code holder} if that stays within the limit, or within the headroom for one holder. */
  synchronized boolean tryTake(Object holder, long bytes) {
    if (used + bytes <= limit) {
      used += bytes;
      return true;
    }
    if ((overLimit == null || overLimit == holder) && used + bytes <= limit + headroom) {
      overLimit = holder;
      used += bytes;
      return true;
    }
    return false;
  }

  /** Gives back what {@code holder} took (all of it, or part of it). */
  void giveBack(Object holder, long bytes) {
    if (bytes <= 0) {
      return;
    }
    synchronized (this) {
      used -= bytes;
      if (overLimit == holder) {
        overLimit = null;
      }
    }
    onRelease.run();
  }

  synchronized long used() {
    return used;
  }

  long limit() {
    return limit;
  }
}
