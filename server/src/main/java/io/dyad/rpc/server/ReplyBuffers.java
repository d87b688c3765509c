package io.dyad.rpc.server;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Buffers for big replies (object chunks), bounded in total: a handler {@link #lease leases} one while it builds
 * a reply, and the server gives it back once the reply has been written to the client (however long a slow
 * client takes). When the bytes leased reach the budget, {@link #lease} waits for replies to drain (push back)
 * instead of growing the heap; after {@code maxWait} it fails with UNAVAILABLE. Up to {@code pooled} buffers of
 * {@code bufferBytes} are kept for reuse, so that serving a read does not allocate and zero a fresh multi-megabyte
 * array each time. Thread-safe.
 */
public final class ReplyBuffers {
  private static final ThreadLocal<List<Lease>> LEASES = ThreadLocal.withInitial(ArrayList::new);

  private final int bufferBytes;
  private final BlockingQueue<ByteBuffer> free;
  private final Semaphore budget;
  private final int budgetBytes;
  private final Duration maxWait;

  /**
   * @param bufferBytes the size of pooled buffers (the largest common reply)
   * @param pooled how many buffers to keep for reuse
   * @param budgetBytes bytes leased at once, at most (at least one buffer's worth)
   * @param maxWait how long a lease may wait for the budget
   */
  public ReplyBuffers(int bufferBytes, int pooled, long budgetBytes, Duration maxWait) {
    this.bufferBytes = bufferBytes;
    this.free = new ArrayBlockingQueue<>(Math.max(1, pooled));
    this.budgetBytes = (int) Math.min(Integer.MAX_VALUE, Math.max(budgetBytes, bufferBytes));
    this.budget = new Semaphore(this.budgetBytes, true);
    this.maxWait = maxWait;
  }

  /** A budget of an eighth of the heap, at least two buffers, waiting up to 30 s. */
  public static ReplyBuffers forHeap(int bufferBytes, int pooled) {
    long budget = Math.max(2L * bufferBytes, Runtime.getRuntime().maxMemory() / 8);
    return new ReplyBuffers(bufferBytes, pooled, budget, Duration.ofSeconds(30));
  }

  /**
   * A cleared heap buffer of at least {@code bytes} bytes, valid until the current call's reply is written. On a
   * Dyad server's worker thread it counts against the budget; elsewhere (tests, tools) it is a plain allocation.
   *
   * @throws DyadException UNAVAILABLE if the budget stayed exhausted for the whole wait
   */
  public ByteBuffer lease(int bytes) throws DyadException {
    if (RequestRunner.CURRENT.get() == null) {
      return ByteBuffer.allocate(bytes);
    }
    int counted = Math.min(bytes, budgetBytes);
    try {
      if (!budget.tryAcquire(counted, maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new DyadException(ErrorCode.UNAVAILABLE, "the server is busy sending other replies; retry");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DyadException(ErrorCode.UNAVAILABLE, "interrupted while waiting for a reply buffer", e);
    }
    ByteBuffer b = bytes <= bufferBytes ? free.poll() : null;
    if (b == null) {
      b = ByteBuffer.allocate(bytes <= bufferBytes ? bufferBytes : bytes);
    }
    LEASES.get().add(new Lease(this, b, counted));
    return b.clear();
  }

  /** Bytes leased now (waiting to be written to clients). */
  public long leasedBytes() {
    return budgetBytes - budget.availablePermits();
  }

  /** The leases this thread took while handling a call; the list is emptied. */
  static List<Lease> takeThreadLeases() {
    List<Lease> mine = LEASES.get();
    if (mine.isEmpty()) {
      return List.of();
    }
    List<Lease> out = List.copyOf(mine);
    mine.clear();
    return out;
  }

  /** Gives leases back once their reply has been written (or dropped). */
  static void release(List<Lease> leases) {
    for (Lease l : leases) {
      ReplyBuffers owner = l.owner;
      if (l.buffer.capacity() == owner.bufferBytes) {
        owner.free.offer(l.buffer);
      }
      owner.budget.release(l.counted);
    }
  }

  record Lease(ReplyBuffers owner, ByteBuffer buffer, int counted) {}
}
