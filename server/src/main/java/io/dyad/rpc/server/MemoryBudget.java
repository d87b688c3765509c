package io.dyad.rpc.server;

import java.util.HashMap;
import java.util.Map;

/**
 * A bound on the bytes of request frames held at once (being received, or waiting to be handled), shared fairly
 * between client addresses. Taking never blocks: a connection that cannot take stops being read, counts as
 * waiting, and is told when bytes come back.
 *
 * <p>Frames are buffered as their bytes arrive, so several half-received frames could fill the budget and none be
 * able to finish. To rule that out, one connection at a time may go over the limit by up to one frame
 * ({@code headroom}): its frame always completes, and its bytes coming back let the others go on. Memory is thus
 * bounded by the limit plus one frame.
 *
 * <p>Fairness between addresses (one address may be many clients behind a NAT, or one attacker):
 * <ul>
 *   <li>the last {@code reserve} bytes of the limit are kept for addresses that hold less than that in all, so that
 *       one address alone, however many connections it has, always leaves room for a frame of someone else's;
 *   <li>while another address waits, an address holding more than its fair share (the limit divided by the
 *       addresses holding or waiting) takes nothing more;
 *   <li>an address alone may use the rest of the budget: a busy NAT address is slowed, never refused, on an
 *       otherwise idle server.
 * </ul>
 * What an address already holds is not taken back here: the server closes connections that hold bytes of a frame
 * without sending more while others wait ({@link #othersWaiting}). Thread-safe.
 */
final class MemoryBudget {
  private final long limit;
  private final long headroom;
  private final long reserve;
  private final Runnable onRelease;
  private final Map<String, Account> accounts = new HashMap<>();
  /** holders that could not take, by their address; they count as waiting until they take or are forgotten */
  private final Map<Object, String> waiters = new HashMap<>();
  private long used;
  private Object overLimit;
  /** bytes the holder {@link #overLimit} took beyond the limit; they do not count against anyone's limit */
  private long overBytes;

  private static final class Account {
    long held;
    int waiting;

    boolean idle() {
      return held == 0 && waiting == 0;
    }
  }

  /**
   * @param headroom how far the one privileged connection may go over the limit (the largest frame); also the part
   *     of the limit kept for addresses that hold little (at most half the limit)
   * @param onRelease called after bytes are given back (to resume readers that waited); must not block
   */
  MemoryBudget(long limit, long headroom, Runnable onRelease) {
    this.limit = limit;
    this.headroom = headroom;
    this.reserve = Math.min(headroom, limit / 2);
    this.onRelease = onRelease;
  }

  /**
   * Takes {@code bytes} for {@code holder}, a connection from {@code address}, if the rules above allow it; otherwise
   * the holder counts as waiting (until it takes, or is {@link #forget forgotten}) and false is returned.
   */
  synchronized boolean tryTake(Object holder, String address, long bytes) {
    if (bytes <= 0) {
      return true;
    }
    Account a = accounts.computeIfAbsent(address, k -> new Account());
    if (holder == overLimit) {
      // the privileged frame always completes: it is at most one frame, and the headroom holds one
      if (overBytes + bytes <= headroom) {
        took(holder, a, bytes);
        overBytes += bytes;
        return true;
      }
      return waiting(holder, address, a);
    }
    long regular = used - overBytes;
    boolean small = a.held + bytes <= reserve;
    boolean overShare = a.held + bytes > fairShare();
    boolean othersWait = waiters.size() > a.waiting; // connections of other addresses wait
    if (!(overShare && othersWait) && regular + bytes <= (small ? limit : limit - reserve)) {
      took(holder, a, bytes);
      return true;
    }
    if (overLimit == null && bytes <= headroom) {
      overLimit = holder;
      took(holder, a, bytes);
      overBytes = bytes;
      return true;
    }
    return waiting(holder, address, a);
  }

  /** The limit divided by the addresses holding or waiting (idle accounts are dropped). */
  private long fairShare() {
    return limit / Math.max(1, accounts.size());
  }

  private void took(Object holder, Account a, long bytes) {
    used += bytes;
    a.held += bytes;
    if (waiters.remove(holder) != null) {
      a.waiting--;
    }
  }

  private boolean waiting(Object holder, String address, Account a) {
    if (waiters.putIfAbsent(holder, address) == null) {
      a.waiting++;
    }
    return false;
  }

  /**
   * Gives back what {@code holder}, from {@code address}, took (all of it, or part of it); it no longer waits.
   */
  void giveBack(Object holder, String address, long bytes) {
    if (bytes <= 0) {
      return;
    }
    synchronized (this) {
      used -= bytes;
      Account a = accounts.get(address);
      if (a != null) {
        a.held -= bytes;
        if (waiters.remove(holder) != null) {
          a.waiting--; // a holder that gives back (its frame is done, or it closed) waits for nothing more
        }
        dropIfIdle(address, a);
      }
      if (overLimit == holder) {
        overLimit = null;
        overBytes = 0;
      }
    }
    onRelease.run();
  }

  /** The holder (a connection that closed) no longer waits. */
  synchronized void forget(Object holder) {
    String address = waiters.remove(holder);
    if (address != null) {
      Account a = accounts.get(address);
      if (a != null) {
        a.waiting--;
        dropIfIdle(address, a);
      }
    }
  }

  private void dropIfIdle(String address, Account a) {
    if (a.idle()) {
      accounts.remove(address, a);
    }
  }

  /** Whether a holder other than {@code holder} waits for bytes now. */
  synchronized boolean othersWaiting(Object holder) {
    return waiters.size() > (waiters.containsKey(holder) ? 1 : 0);
  }

  synchronized long used() {
    return used;
  }

  long limit() {
    return limit;
  }

  /** {@link #describe()}, computed only if it is logged (its {@code toString}). */
  Object summary() {
    return new Object() {
      @Override
      public String toString() {
        return describe();
      }
    };
  }

  /** One line for the log: what is held, by how many addresses, who holds most, how many wait. */
  synchronized String describe() {
    String top = null;
    long topHeld = -1;
    for (Map.Entry<String, Account> e : accounts.entrySet()) {
      if (e.getValue().held > topHeld) {
        top = e.getKey();
        topHeld = e.getValue().held;
      }
    }
    return used + " of " + limit + " bytes held for " + accounts.size() + " address(es), most by " + top + " ("
        + topHeld + " bytes); " + waiters.size() + " connection(s) waiting";
  }
}
