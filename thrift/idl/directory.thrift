/*
 * Dyad — directory servers: the file-system namespace, kept by pairs of directory servers (one in each storage
 * center) that apply the same changes in the same order.
 *
 * A volume lives on one directory pair. Its state is a tree of inodes (files and directories) named by directory
 * entries, and a log of changes, each with the next sequence number of the volume. The directory serving as the
 * pair's primary decides a change (validates it, fixes every value it needs: new inode ids, times), applies it,
 * and sends the same Change to its duplicate, which applies it strictly in sequence. Applying a Change to two
 * identical volumes leaves two identical volumes.
 *
 * The structs below are also how a directory server stores its volumes (serialized with the binary protocol).
 */

include "common.thrift"

namespace java io.dyad.thrift
namespace py dyad.directory
namespace js Dyad
namespace go dyad.directory

enum EntryType {
  DIRECTORY = 1,
  FILE = 2,
}

/** A file or directory of a volume. The root directory is inode 1, with parent 0 and an empty name. */
struct Inode {
  1: required i64 id,
  2: required EntryType type,
  3: required i64 parent,
  4: required string name,
  /** milliseconds since the Unix epoch */
  5: required i64 createdAt,
  6: required i64 modifiedAt,
  /** grows with every change of this entry (a file's new content, a rename) */
  7: required i64 version,
  /** a file's content: the object holding it, its length and CRC32C */
  8: optional common.ObjectId objectId,
  9: optional i64 length,
  10: optional i32 crc32c,
}

/** Creates a volume: its root directory, and how long garbage waits before it is deleted. */
struct CreateVolume {
  1: required i64 time,
  /** objects of replaced or deleted files, and of abandoned uploads, are deleted this long after they became garbage */
  2: required i64 garbageGraceMillis,
}

/** Creates a directory (and, with parents, every missing ancestor); new inodes are numbered from firstInode. */
struct Mkdir {
  1: required string path,
  2: required bool parents,
  3: required i64 firstInode,
  4: required i64 time,
}

/** Records an upload: an object id handed out for a file that is not committed yet (garbage if it never is). */
struct BeginUpload {
  1: required string uploadId,
  2: required common.ObjectId objectId,
  3: required string path,
  /** after this, the upload is abandoned and its object is garbage */
  4: required i64 expiresAt,
}

/** Binds a path to an object (a new file, or a new version replacing the old one, whose object becomes garbage). */
struct BindFile {
  1: required string path,
  2: required common.ObjectId objectId,
  3: required i64 length,
  4: required i32 crc32c,
  /** the inode id for a new file (unused when a file is replaced) */
  5: required i64 inode,
  6: required i64 time,
  /** the upload this commits, if any (it stops being garbage-to-be) */
  7: optional string uploadId,
}

/** Moves a file or directory within the volume, replacing nothing: the target must not exist. */
struct Rename {
  1: required string source,
  2: required string target,
  3: required i64 time,
}

/** Removes a file, an empty directory, or (recursive) a directory and everything under it. */
struct Remove {
  1: required string path,
  2: required bool recursive,
  3: required i64 time,
}

/** An object that became garbage, and when it may be deleted. */
struct GarbageItem {
  1: required i64 due,
  2: required common.ObjectId objectId,
}

/** Forgets garbage whose objects have been deleted, and uploads that were abandoned. */
struct ForgetGarbage {
  1: required list<GarbageItem> items,
  2: required list<string> uploadIds,
}

/** What a directory server keeps about one of its volumes. */
struct VolumeRecord {
  /** the sequence number of the last change applied */
  1: required i64 lastSeq,
  /** the next inode id to hand out */
  2: required i64 nextInode,
  3: required i64 garbageGraceMillis,
  4: required i64 createdAt,
}

/** One change, as the primary decided it. */
union ChangeOp {
  1: CreateVolume createVolume,
  2: Mkdir mkdir,
  3: BeginUpload beginUpload,
  4: BindFile bindFile,
  5: Rename rename,
  6: Remove remove,
  7: ForgetGarbage forgetGarbage,
}

/** A change of a volume with its place in the volume's order. */
struct Change {
  1: required string volume,
  /** 1 for the volume's first change (its creation), then one more for each change */
  2: required i64 seq,
  3: required ChangeOp op,
}
