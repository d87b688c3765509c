package io.dyad.rpc;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reusable buffers for big replies (object chunks), so that serving a read does not allocate and zero a
 * fresh multi-megabyte array each time. A handler {@link #lease leases} a buffer while handling a call; the
 * server returns every lease of the thread once the reply has been written ({@link #releaseThreadLeases},
 * called by {@link ThriftServerService}). At most {@code pooled} buffers are kept, so memory stays bounded;
 * when none is free a fresh one is allocated and dropped after use.
 */
public final class ReplyBuffers {
  private static final ThreadLocal<List<Lease>> LEASES = ThreadLocal.withInitial(ArrayList::new);

  private final int bufferBytes;
  private final BlockingQueue<ByteBuffer> free;

  public ReplyBuffers(int bufferBytes, int pooled) {
    this.bufferBytes = bufferBytes;
    this.free = new ArrayBlockingQueue<>(Math.max(1, pooled));
  }

  /**
   * A cleared heap buffer of at least {@code bytes} bytes, valid until the current call's reply is written.
   * Only for use on a Thrift server worker thread.
   */
  public ByteBuffer lease(int bytes) {
    if (bytes > bufferBytes) {
      return ByteBuffer.allocate(bytes);
    }
    ByteBuffer b = free.poll();
    if (b == null) {
      b = ByteBuffer.allocate(bufferBytes);
    }
    LEASES.get().add(new Lease(this, b));
    return b.clear();
  }

  /** Returns every buffer this thread leased; called after each reply is flushed. */
  static void releaseThreadLeases() {
    List<Lease> leases = LEASES.get();
    if (leases.isEmpty()) {
      return;
    }
    for (Lease l : leases) {
      l.owner.free.offer(l.buffer);
    }
    leases.clear();
  }

  private record Lease(ReplyBuffers owner, ByteBuffer buffer) {}
}
