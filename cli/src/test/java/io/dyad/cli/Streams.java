package io.dyad.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/** Deterministic streams of any length that are never held in memory, and a sink that only checksums. */
final class Streams {
  private Streams() {}

  /** {@code length} pseudo-random bytes from {@code seed} (xorshift), generated as they are read. */
  static InputStream generated(long seed, long length) {
    return new InputStream() {
      private long state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
      private long left = length;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left <= 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        for (int i = 0; i < n; i++) {
          state ^= state << 13;
          state ^= state >>> 7;
          state ^= state << 17;
          b[off + i] = (byte) state;
        }
        left -= n;
        return n;
      }
    };
  }

  static int crcOf(InputStream in) throws java.io.IOException {
    CrcSink sink = new CrcSink();
    in.transferTo(sink);
    return sink.crc();
  }

  /** Counts and checksums what is written to it, keeping nothing. */
  static final class CrcSink extends OutputStream {
    private final CRC32C crc = new CRC32C();
    private long count;

    @Override
    public void write(int b) {
      crc.update(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      crc.update(b, off, len);
      count += len;
    }

    int crc() {
      return (int) crc.getValue();
    }

    long count() {
      return count;
    }
  }
}
