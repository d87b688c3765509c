package io.dyad.rpc;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportException;

/**
 * Collects one outgoing frame without copying big payloads: small writes (field headers, ids) are coalesced
 * in a scratch buffer, large ones (object chunks) are kept by reference until {@link #flushTo} writes the
 * frame size and every piece in order. libthrift's own framed transport instead copies each chunk into a
 * buffer that starts at 1 KiB and doubles, and shrinks back after every frame, which costs more than the
 * network for megabyte chunks.
 *
 * <p>Callers must not modify a buffer they wrote until the frame is flushed; Thrift's generated code does
 * not (a message is serialized and flushed in one call).
 */
public final class FrameWriter {
  /** Writes at least this big are kept by reference. */
  static final int REFERENCE_THRESHOLD = 16 * 1024;

  private final List<byte[]> arrays = new ArrayList<>();
  private final List<int[]> ranges = new ArrayList<>();
  private static final int SCRATCH_BYTES = 4096;

  private byte[] scratch = new byte[SCRATCH_BYTES];
  private int scratchStart;
  private int scratchEnd;
  private long frameBytes;

  public void write(byte[] buf, int off, int len) {
    if (len >= REFERENCE_THRESHOLD) {
      sealScratch();
      arrays.add(buf);
      ranges.add(new int[] {off, len});
    } else {
      if (scratchEnd + len > scratch.length) {
        sealScratch();
        if (len > scratch.length - scratchEnd) {
          // earlier pieces keep the old array; only new bytes go to the new one
          scratch = new byte[Math.max(SCRATCH_BYTES, len)];
          scratchStart = 0;
          scratchEnd = 0;
        }
      }
      System.arraycopy(buf, off, scratch, scratchEnd, len);
      scratchEnd += len;
    }
    frameBytes += len;
  }

  private void sealScratch() {
    if (scratchEnd > scratchStart) {
      arrays.add(scratch);
      ranges.add(new int[] {scratchStart, scratchEnd - scratchStart});
      scratchStart = scratchEnd;
    }
  }

  /** Writes the frame (size, then pieces) to {@code out}, flushes it, and starts a new frame. */
  void flushTo(TTransport out, int maxFrameBytes) throws TTransportException {
    sealScratch();
    try {
      if (frameBytes > maxFrameBytes) {
        throw new TTransportException(TTransportException.CORRUPTED_DATA,
            "frame of " + frameBytes + " bytes exceeds the limit of " + maxFrameBytes + " bytes");
      }
      int size = (int) frameBytes;
      out.write(new byte[] {(byte) (size >>> 24), (byte) (size >>> 16), (byte) (size >>> 8), (byte) size}, 0, 4);
      for (int i = 0; i < arrays.size(); i++) {
        int[] r = ranges.get(i);
        out.write(arrays.get(i), r[0], r[1]);
      }
      out.flush();
    } finally {
      clear();
    }
  }

  /**
   * The frame (4-byte size, then every piece in order) as buffers for a gathering write, and starts a new frame.
   * The buffers reference the written arrays: they must not change until the frame has been sent.
   */
  public ByteBuffer[] takeFrame(int maxFrameBytes) throws TTransportException {
    sealScratch();
    try {
      if (frameBytes > maxFrameBytes) {
        throw new TTransportException(TTransportException.CORRUPTED_DATA,
            "frame of " + frameBytes + " bytes exceeds the limit of " + maxFrameBytes + " bytes");
      }
      ByteBuffer[] out = new ByteBuffer[arrays.size() + 1];
      out[0] = ByteBuffer.allocate(4).putInt(0, (int) frameBytes);
      for (int i = 0; i < arrays.size(); i++) {
        int[] r = ranges.get(i);
        out[i + 1] = ByteBuffer.wrap(arrays.get(i), r[0], r[1]);
      }
      // later frames must not overwrite what these buffers reference: the next write allocates afresh
      scratch = new byte[0];
      return out;
    } finally {
      clear();
    }
  }

  void clear() {
    arrays.clear();
    ranges.clear();
    scratchStart = 0;
    scratchEnd = 0;
    frameBytes = 0;
  }
}
