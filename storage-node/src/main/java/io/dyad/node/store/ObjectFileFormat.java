package io.dyad.node.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The layout of one object file:
 *
 * <pre>
 *   [content: length bytes]
 *   [block table: one big-endian int CRC32C per BLOCK_BYTES of content, the last block possibly short]
 *   [trailer: TRAILER_BYTES]
 * </pre>
 *
 * The trailer holds: magic "DYADOBJ1", format version, flags (bit 0: tombstone), content length, CRC32C of
 * the whole content, block size, write time (ms), CRC32C of the block table, 16 reserved bytes, and the
 * CRC32C of all the trailer bytes before it. A tombstone is a file with no content and no table.
 *
 * <p>The chain of checks: the trailer checks itself, the trailer checks the table, the table checks each
 * block. So a ranged read verifies exactly the blocks it touches, and a corrupt byte anywhere is detected
 * before it is returned. The trailer is at the end because the length is known only at commit.
 */
public final class ObjectFileFormat {
  public static final int BLOCK_BYTES = 64 * 1024;
  public static final int TRAILER_BYTES = 64;
  static final byte[] MAGIC = "DYADOBJ1".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  static final int FLAG_TOMBSTONE = 1;

  private ObjectFileFormat() {}

  /** Number of checksummed blocks for content of this length. */
  public static long blockCount(long length) {
    return (length + BLOCK_BYTES - 1) / BLOCK_BYTES;
  }

  /** Size of the whole file for content of this length. */
  public static long fileSize(long length) {
    return length + 4 * blockCount(length) + TRAILER_BYTES;
  }

  /** The trailer of an object file. */
  public record Trailer(boolean tombstone, long length, int crc32c, long writtenAtMillis, int tableCrc32c) {

    public ByteBuffer encode() {
      ByteBuffer b = ByteBuffer.allocate(TRAILER_BYTES);
      b.put(MAGIC);
      b.putInt(VERSION);
      b.putInt(tombstone ? FLAG_TOMBSTONE : 0);
      b.putLong(length);
      b.putInt(crc32c);
      b.putInt(BLOCK_BYTES);
      b.putLong(writtenAtMillis);
      b.putInt(tableCrc32c);
      b.put(new byte[16]);
      CRC32C crc = new CRC32C();
      crc.update(b.array(), 0, b.position());
      b.putInt((int) crc.getValue());
      return b.flip();
    }

    /**
     * Parses and verifies a trailer.
     *
     * @return the trailer, or null if the bytes are not a valid trailer (wrong magic, version, block size,
     *     or checksum)
     */
    public static Trailer decode(ByteBuffer bytes) {
      if (bytes.remaining() != TRAILER_BYTES) {
        return null;
      }
      ByteBuffer b = bytes.duplicate();
      CRC32C crc = new CRC32C();
      ByteBuffer covered = b.duplicate().limit(b.position() + TRAILER_BYTES - 4);
      crc.update(covered);
      byte[] magic = new byte[MAGIC.length];
      b.get(magic);
      int version = b.getInt();
      int flags = b.getInt();
      long length = b.getLong();
      int contentCrc = b.getInt();
      int blockBytes = b.getInt();
      long writtenAt = b.getLong();
      int tableCrc = b.getInt();
      b.position(b.position() + 16);
      int trailerCrc = b.getInt();
      if (!java.util.Arrays.equals(magic, MAGIC) || version != VERSION || blockBytes != BLOCK_BYTES
          || trailerCrc != (int) crc.getValue() || length < 0) {
        return null;
      }
      return new Trailer((flags & FLAG_TOMBSTONE) != 0, length, contentCrc, writtenAt, tableCrc);
    }
  }
}
