package io.dyad.client;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectMeta;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * A range of an object as a stream, its chunks read ahead ({@link ReadAhead}). A stream of the whole object checks
 * the CRC32C of everything it delivered against the object's record before it reports the end, so a reader that
 * sees end-of-stream has the right bytes. Failures are {@link DyadIOException}s. Not thread-safe.
 */
final class ObjectStream extends InputStream {
  private final ObjectMeta meta;
  private final ReadAhead chunks;
  private final CRC32C crc;
  private ByteBuffer current = ByteBuffer.allocate(0);
  private boolean ended;

  /**
   * @param whole whether the range is the whole object (then its CRC32C is checked at the end)
   */
  ObjectStream(ObjectMeta meta, ReadAhead chunks, boolean whole) {
    this.meta = meta;
    this.chunks = chunks;
    this.crc = whole ? new CRC32C() : null;
  }

  /** The object's record. */
  ObjectMeta meta() {
    return meta;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (!current.hasRemaining() && !advance()) {
      return -1;
    }
    int n = Math.min(len, current.remaining());
    current.get(b, off, n);
    return n;
  }

  @Override
  public int available() {
    return current.remaining();
  }

  /** The next chunk into {@link #current}; false at the end (after the checksum check of a whole object). */
  private boolean advance() throws IOException {
    if (ended) {
      return false;
    }
    try {
      ByteBuffer next = chunks.next();
      if (next == null) {
        ended = true;
        checkCrc();
        return false;
      }
      if (crc != null) {
        crc.update(next.duplicate());
      }
      current = next;
      return true;
    } catch (DyadException e) {
      throw new DyadIOException(e);
    }
  }

  private void checkCrc() throws DyadIOException {
    if (crc != null && (int) crc.getValue() != meta.crc32c()) {
      throw new DyadIOException(new DyadException(ErrorCode.CHECKSUM_MISMATCH, String.format(
          "object %s: the bytes received have CRC32C %08x, its record says %s", meta.id(), (int) crc.getValue(),
          meta.crcHex())));
    }
  }

  @Override
  public void close() {
    chunks.close();
  }
}
