package io.dyad.node.store;

import static io.dyad.node.store.ObjectFileFormat.BLOCK_BYTES;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.zip.CRC32C;

/**
 * Computes the per-block CRC32Cs of content as it streams in and spools them to a side file, so that a write
 * session uses constant memory however big the object is. The table CRC covers the spooled bytes.
 */
final class BlockChecksums {
  private final WritableByteChannel spool;
  private final ByteBuffer pending = ByteBuffer.allocate(16 * 1024);
  private final CRC32C block = new CRC32C();
  private final CRC32C table = new CRC32C();
  private int bytesInBlock;
  private long spooledBytes;

  BlockChecksums(WritableByteChannel spool) {
    this.spool = spool;
  }

  void update(ByteBuffer content) throws IOException {
    ByteBuffer rest = content.duplicate();
    while (rest.hasRemaining()) {
      int take = Math.min(BLOCK_BYTES - bytesInBlock, rest.remaining());
      ByteBuffer part = rest.slice().limit(take);
      block.update(part);
      rest.position(rest.position() + take);
      bytesInBlock += take;
      if (bytesInBlock == BLOCK_BYTES) {
        endBlock();
      }
    }
  }

  private void endBlock() throws IOException {
    if (!pending.hasRemaining()) {
      drain();
    }
    pending.putInt((int) block.getValue());
    block.reset();
    bytesInBlock = 0;
  }

  private void drain() throws IOException {
    pending.flip();
    table.update(pending.duplicate());
    while (pending.hasRemaining()) {
      spooledBytes += spool.write(pending);
    }
    pending.clear();
  }

  /** Ends the last (short) block and writes out everything; returns the CRC32C of the whole table. */
  int finish() throws IOException {
    if (bytesInBlock > 0) {
      endBlock();
    }
    drain();
    return (int) table.getValue();
  }

  /** Bytes of table written to the spool (valid after {@link #finish()}). */
  long tableBytes() {
    return spooledBytes;
  }
}
