package io.dyad.client;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;

/**
 * The chunks of one object in order, with up to {@code window} of them asked for ahead of the one being consumed:
 * each hop (client to gateway, gateway to node) then always has a request to work on instead of waiting for the
 * next one. Memory: at most {@code window} chunks. A failed chunk fails the read (the fetch itself retries on other
 * gateways); the chunks still in flight are cancelled when the reader is closed.
 */
final class ReadAhead implements AutoCloseable {
  /** One range of the object, from whichever gateway answers; a buffer of the caller's own. */
  @FunctionalInterface
  interface Fetch {
    ByteBuffer fetch(long offset, int length) throws DyadException;
  }

  private record Pending(long offset, int length, FutureTask<ByteBuffer> task) {}

  private final Executor executor;
  private final Fetch fetch;
  private final long end;
  private final int chunk;
  private final int window;
  private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
  private long asked;

  ReadAhead(Executor executor, Fetch fetch, long length, int chunk, int window) {
    this(executor, fetch, 0, length, chunk, window);
  }

  /** The bytes from {@code start} up to {@code end} (exclusive). */
  ReadAhead(Executor executor, Fetch fetch, long start, long end, int chunk, int window) {
    this.executor = executor;
    this.fetch = fetch;
    this.asked = start;
    this.end = end;
    this.chunk = chunk;
    this.window = window;
  }

  /** The next chunk, or null at the end of the object. */
  ByteBuffer next() throws DyadException {
    if (inFlight.isEmpty() && asked >= end) {
      return null;
    }
    if (inFlight.isEmpty() && end - asked <= chunk) {
      // the last (or only) chunk: no thread hand-off for a small object
      long at = asked;
      asked = end;
      return complete(at, (int) (end - at), fetch.fetch(at, (int) (end - at)));
    }
    while (inFlight.size() < window && asked < end) {
      long at = asked;
      int n = (int) Math.min(chunk, end - at);
      FutureTask<ByteBuffer> task = new FutureTask<>(() -> fetch.fetch(at, n));
      executor.execute(task);
      inFlight.add(new Pending(at, n, task));
      asked += n;
    }
    Pending p = inFlight.poll();
    return complete(p.offset, p.length, await(p.task));
  }

  /** A gateway may answer a range with fewer bytes than asked for: the rest is asked for at once. */
  private ByteBuffer complete(long offset, int wanted, ByteBuffer first) throws DyadException {
    if (!first.hasRemaining()) {
      throw new DyadException(ErrorCode.INTERNAL, "a gateway returned no bytes at offset " + offset);
    }
    if (first.remaining() >= wanted) {
      return first;
    }
    ByteBuffer whole = ByteBuffer.allocate(wanted).put(first);
    while (whole.hasRemaining()) {
      ByteBuffer more = fetch.fetch(offset + whole.position(), whole.remaining());
      if (!more.hasRemaining()) {
        throw new DyadException(ErrorCode.INTERNAL, "a gateway returned no bytes at offset "
            + (offset + whole.position()));
      }
      whole.put(more);
    }
    return whole.flip();
  }

  private static ByteBuffer await(FutureTask<ByteBuffer> task) throws DyadException {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DyadException(ErrorCode.UNAVAILABLE, "interrupted while reading", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof DyadException d) {
        throw d;
      }
      throw new DyadException(ErrorCode.INTERNAL, "reading a chunk failed: " + e.getCause(), e.getCause());
    } catch (CancellationException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "the read was cancelled", e);
    }
  }

  @Override
  public void close() {
    for (Pending p : inFlight) {
      p.task.cancel(false); // a fetch under way finishes on its connection; its bytes are dropped
    }
    inFlight.clear();
  }
}
