package io.dyad.client;

import java.util.Optional;

/**
 * A file or directory of a volume, as a DDM describes it.
 *
 * @param name its name in its directory ("" for a volume's root)
 * @param version grows with every change of the entry
 * @param objectId the object holding a file's content (empty for a directory)
 * @param length a file's length in bytes (0 for a directory)
 * @param crc32c a file's CRC32C (0 for a directory)
 */
public record FileEntry(long inode, String name, boolean directory, long createdAt, long modifiedAt, long version,
    Optional<String> objectId, long length, int crc32c) {

  static FileEntry of(io.dyad.thrift.Inode i) {
    boolean dir = i.getType() == io.dyad.thrift.EntryType.DIRECTORY;
    return new FileEntry(i.getId(), i.getName(), dir, i.getCreatedAt(), i.getModifiedAt(), i.getVersion(),
        i.isSetObjectId() ? Optional.of(i.getObjectId()) : Optional.empty(), i.isSetLength() ? i.getLength() : 0,
        i.isSetCrc32c() ? i.getCrc32c() : 0);
  }
}
