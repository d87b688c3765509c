package io.dyad.node.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;

/** A whole object file (content, block table, trailer; see {@link ObjectFileFormat}) built in memory. */
final class ObjectImage {
  private ObjectImage() {}

  /** The file image of {@code content}, whose CRC32C the caller has checked to be {@code crc32c}. */
  static ByteBuffer of(ByteBuffer content, int crc32c, long writtenAtMillis) {
    int length = content.remaining();
    ByteArrayOutputStream table = new ByteArrayOutputStream((int) (ObjectFileFormat.blockCount(length) * 4));
    BlockChecksums blocks = new BlockChecksums(Channels.newChannel(table));
    int tableCrc;
    try {
      blocks.update(content);
      tableCrc = blocks.finish();
    } catch (IOException e) {
      throw new UncheckedIOException("an in-memory table cannot fail", e);
    }
    ObjectFileFormat.Trailer trailer = new ObjectFileFormat.Trailer(false, length, crc32c, writtenAtMillis, tableCrc);
    ByteBuffer image = ByteBuffer.allocate((int) ObjectFileFormat.fileSize(length));
    image.put(content.duplicate()).put(table.toByteArray()).put(trailer.encode());
    return image.flip();
  }

  /** The trailer at the end of a file image. */
  static ObjectFileFormat.Trailer trailerOf(ByteBuffer image) {
    ByteBuffer tail = image.duplicate();
    tail.position(tail.limit() - ObjectFileFormat.TRAILER_BYTES);
    return ObjectFileFormat.Trailer.decode(tail.slice());
  }
}
