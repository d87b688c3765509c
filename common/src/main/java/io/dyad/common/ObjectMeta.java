package io.dyad.common;

import static java.util.Objects.requireNonNull;

/**
 * What a member records about one object or tombstone.
 *
 * @param id the object
 * @param length content length in bytes (0 for a tombstone)
 * @param crc32c CRC32C of the whole content
 * @param tombstone true if the object was deleted
 * @param writtenAtMillis when the member committed it, ms since the Unix epoch
 */
public record ObjectMeta(ObjectId id, long length, int crc32c, boolean tombstone, long writtenAtMillis) {
  public ObjectMeta {
    requireNonNull(id, "id");
    if (length < 0) {
      throw new IllegalArgumentException("negative length " + length);
    }
  }

  /** The checksum as operators read it: 8 lowercase hex digits. */
  public String crcHex() {
    return String.format("%08x", crc32c);
  }
}
