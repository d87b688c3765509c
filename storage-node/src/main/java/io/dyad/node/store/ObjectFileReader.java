package io.dyad.node.store;

import static io.dyad.node.store.ObjectFileFormat.BLOCK_BYTES;
import static io.dyad.node.store.ObjectFileFormat.TRAILER_BYTES;

import io.dyad.node.store.ObjectFileFormat.Trailer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/** Reads and verifies object files. Stateless; every method checks what it reads before returning it. */
final class ObjectFileReader {
  private ObjectFileReader() {}

  /** The verified trailer of an open object file. */
  static Trailer readTrailer(FileChannel ch) throws IOException, CorruptObjectException {
    long size = ch.size();
    if (size < TRAILER_BYTES) {
      throw new CorruptObjectException("file is " + size + " bytes, shorter than a trailer");
    }
    ByteBuffer b = ByteBuffer.allocate(TRAILER_BYTES);
    readFully(ch, b, size - TRAILER_BYTES);
    Trailer t = Trailer.decode(b.flip());
    if (t == null) {
      throw new CorruptObjectException("trailer failed its checksum");
    }
    if (ObjectFileFormat.fileSize(t.length()) != size) {
      throw new CorruptObjectException("file is " + size + " bytes but its trailer describes "
          + ObjectFileFormat.fileSize(t.length()));
    }
    return t;
  }

  /**
   * Reads content [offset, offset + length) (clipped to the end), verifying the table and every block it
   * touches. The caller has checked that offset is within the content. The bytes are read into
   * {@code scratch} when it is big enough for the blocks involved, else into a new buffer; the result is a
   * slice of that buffer.
   */
  /** Bytes of scratch space that a read of {@code length} bytes may need (whole blocks at both ends). */
  static int scratchBytesFor(int length) {
    return length + 2 * BLOCK_BYTES;
  }

  static ByteBuffer readRange(FileChannel ch, Trailer t, long offset, int length, ByteBuffer scratch)
      throws IOException, CorruptObjectException {
    long end = Math.min(t.length(), offset + length);
    if (end <= offset) {
      return ByteBuffer.allocate(0);
    }
    long firstBlock = offset / BLOCK_BYTES;
    long lastBlock = (end - 1) / BLOCK_BYTES;
    int blocks = (int) (lastBlock - firstBlock + 1);

    ByteBuffer crcs = ByteBuffer.allocate(4 * blocks);
    readFully(ch, crcs, t.length() + 4 * firstBlock);
    crcs.flip();
    verifyTableIfWhole(t, firstBlock, blocks, crcs);

    long spanStart = firstBlock * BLOCK_BYTES;
    long spanEnd = Math.min(t.length(), (lastBlock + 1) * BLOCK_BYTES);
    int spanBytes = (int) (spanEnd - spanStart);
    ByteBuffer span = scratch != null && scratch.capacity() >= spanBytes
        ? scratch.clear().limit(spanBytes) : ByteBuffer.allocate(spanBytes);
    readFully(ch, span, spanStart);
    span.flip();
    CRC32C crc = new CRC32C();
    for (int i = 0; i < blocks; i++) {
      int from = i * BLOCK_BYTES;
      int to = Math.min(span.limit(), from + BLOCK_BYTES);
      crc.reset();
      crc.update(span.duplicate().position(from).limit(to));
      if ((int) crc.getValue() != crcs.getInt(4 * i)) {
        throw new CorruptObjectException("block " + (firstBlock + i) + " (bytes " + (spanStart + from) + "-"
            + (spanStart + to - 1) + ") failed its checksum");
      }
    }
    return span.position((int) (offset - spanStart)).limit((int) (end - spanStart)).slice();
  }

  /**
   * The table's own checksum covers all of it; checking it needs the whole table, so do that when the read
   * already has it (small objects) and otherwise rely on the per-block checks: a corrupt table entry then
   * fails its block's check, which is what matters — no bad bytes are returned.
   */
  private static void verifyTableIfWhole(Trailer t, long firstBlock, int blocks, ByteBuffer crcs)
      throws CorruptObjectException {
    if (firstBlock == 0 && blocks == ObjectFileFormat.blockCount(t.length())) {
      CRC32C crc = new CRC32C();
      crc.update(crcs.duplicate());
      if ((int) crc.getValue() != t.tableCrc32c()) {
        throw new CorruptObjectException("block table failed its checksum");
      }
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer into, long position) throws IOException {
    long pos = position;
    while (into.hasRemaining()) {
      int n = ch.read(into, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file at " + pos);
      }
      pos += n;
    }
  }
}
