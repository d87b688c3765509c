package io.dyad.directory.namespace;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * How a directory server lays out its volumes in RocksDB keys. Every key of a volume starts with the volume's name
 * and a NUL (volume names contain none), so one volume's keys are contiguous and never a prefix of another's:
 *
 * <pre>
 *   inodes:   volume NUL inode(8)            -> Inode
 *   entries:  volume NUL parent(8) name      -> child inode(8)   (names sorted byte by byte: a listing's order)
 *   log:      volume NUL seq(8)              -> Change
 *   garbage:  volume NUL due(8) objectId     -> (empty)          (sorted by when it may be deleted)
 *   uploads:  volume NUL uploadId            -> BeginUpload
 *   requests: volume NUL requestId           -> seq(8) Applied   (requests applied, while their change is logged, and
 *                                                                 the answer each got; older records lack it)
 *   volumes:  volume                         -> VolumeRecord
 * </pre>
 *
 * Numbers are 8-byte big-endian, so byte order is numeric order.
 */
final class Keys {
  private Keys() {}

  static byte[] volume(String volume) {
    byte[] name = volume.getBytes(UTF_8);
    return Arrays.copyOf(name, name.length + 1);
  }

  static byte[] withLong(String volume, long n) {
    byte[] prefix = volume(volume);
    return ByteBuffer.allocate(prefix.length + 8).put(prefix).putLong(n).array();
  }

  static byte[] inode(String volume, long inode) {
    return withLong(volume, inode);
  }

  static byte[] log(String volume, long seq) {
    return withLong(volume, seq);
  }

  /** The prefix of a directory's entries. */
  static byte[] entries(String volume, long parent) {
    return withLong(volume, parent);
  }

  static byte[] entry(String volume, long parent, String name) {
    byte[] prefix = entries(volume, parent);
    byte[] n = name.getBytes(UTF_8);
    return ByteBuffer.allocate(prefix.length + n.length).put(prefix).put(n).array();
  }

  /** The name part of an entry key. */
  static String entryName(byte[] key, int prefixLength) {
    return new String(key, prefixLength, key.length - prefixLength, UTF_8);
  }

  static byte[] garbage(String volume, long due, String objectId) {
    byte[] prefix = withLong(volume, due);
    byte[] id = objectId.getBytes(UTF_8);
    return ByteBuffer.allocate(prefix.length + id.length).put(prefix).put(id).array();
  }

  static byte[] upload(String volume, String uploadId) {
    byte[] prefix = volume(volume);
    byte[] id = uploadId.getBytes(UTF_8);
    return ByteBuffer.allocate(prefix.length + id.length).put(prefix).put(id).array();
  }

  static byte[] request(String volume, String requestId) {
    return upload(volume, requestId);
  }

  static long longAt(byte[] bytes, int offset) {
    return ByteBuffer.wrap(bytes, offset, 8).getLong();
  }

  static byte[] longBytes(long n) {
    return ByteBuffer.allocate(8).putLong(n).array();
  }

  /** Whether {@code key} starts with {@code prefix}. */
  static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }
}
