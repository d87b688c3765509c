/*
 * Dyad — the file API: volumes, directories and files by path, through a DDM (distributed directory manager).
 *
 * A DDM keeps no state: it finds the directory pair that holds a volume (ZooKeeper's record, or a search of the
 * directory servers), sends changes to the pair's primary and reads from either directory. File bytes never pass
 * through it: a file is written as an object through a DOSM (ObjectGateway), with a write locator from create,
 * then bound to its path by commit; it is read with a read locator from open.
 *
 * Paths are absolute ("/a/b"), UTF-8, components of 1-255 bytes without NUL or "/", at most 4096 bytes; ".", "..",
 * empty components and a trailing "/" are refused (InvalidArgument), never normalised. Volume names are 1-64
 * letters, digits, '.', '_' or '-', starting with a letter or digit.
 *
 * Request ids: every call that changes the namespace (createVolume, deleteVolume, mkdir, create, commit, rename,
 * remove) takes an optional requestId, 1-40 letters, digits, '.', '_', ':' or '-' (anything else is InvalidArgument).
 * A client makes one per operation (a UUID) and sends the same id on every retry of it, on any connection and any
 * DDM: a change the cluster already applied for that id and the same arguments is answered as it was the first time
 * instead of being applied again (for as long as the volume's directories keep the change in their log). Without
 * one (older clients) the DDM makes one per call, and a retry after a lost reply may be applied twice.
 */

include "common.thrift"
include "directory.thrift"
include "dosm.thrift"

namespace java io.dyad.thrift
namespace py dyad.ddm
namespace js Dyad
namespace go dyad.ddm

struct VolumeInfo {
  1: required string name,
  /** the directory pair that holds it */
  2: required string directoryPair,
  /** milliseconds since the Unix epoch */
  3: required i64 createdAt,
}

/** An upload in progress: write the file's bytes as objectId through a DOSM with writeLocator, then commit. */
struct Upload {
  1: required string uploadId,
  2: required common.ObjectId objectId,
  /** the storage resource locator a DOSM needs to write the object ("" when the cluster runs without access control) */
  3: required string writeLocator,
  /** when the locator stops working; an upload not committed by then is abandoned and its object deleted */
  4: required i64 expiresAt,
}

/** A file to read: its entry (object, length, CRC32C) and a locator for reading the object through a DOSM. */
struct OpenFile {
  1: required directory.Inode file,
  /** "" when the cluster runs without access control */
  2: required string readLocator,
  3: required i64 expiresAt,
}

service FileSystem {
  /** Creates a volume on the directory pair with the fewest volumes. */
  VolumeInfo createVolume(1: string name, 2: string requestId)
    throws (1: common.AlreadyExists alreadyExists, 2: common.InvalidArgument invalidArgument,
            3: common.Unavailable unavailable),

  list<VolumeInfo> listVolumes() throws (1: common.Unavailable unavailable),

  /**
   * Deletes a volume whose root directory is empty. Its record goes with it, so a retry that comes after the first
   * try deleted the volume is NotFound: a client that retried (the first try's reply was lost) takes NotFound as done.
   */
  void deleteVolume(1: string name, 2: string requestId)
    throws (1: common.NotFound notFound, 2: common.NotEmpty notEmpty, 3: common.InvalidArgument invalidArgument,
            4: common.Unavailable unavailable),

  /** Makes a directory (with parents: every missing ancestor too, and an existing directory is fine). */
  directory.Inode mkdir(1: string volume, 2: string path, 3: bool parents, 4: string requestId)
    throws (1: common.NotFound notFound, 2: common.AlreadyExists alreadyExists,
            3: common.NotADirectory notADirectory, 4: common.InvalidArgument invalidArgument,
            5: common.Unavailable unavailable),

  /** Up to limit (1-10000) entries of a directory in name order after afterName ("" first). */
  directory.EntryPage listDirectory(1: string volume, 2: string path, 3: string afterName, 4: i32 limit)
    throws (1: common.NotFound notFound, 2: common.NotADirectory notADirectory,
            3: common.InvalidArgument invalidArgument, 4: common.Unavailable unavailable),

  directory.Inode stat(1: string volume, 2: string path)
    throws (1: common.NotFound notFound, 2: common.NotADirectory notADirectory,
            3: common.InvalidArgument invalidArgument, 4: common.Unavailable unavailable),

  /** Starts writing a file at path (new, or a new version of an existing file): a new object id and a write locator. */
  Upload create(1: string volume, 2: string path, 3: string requestId)
    throws (1: common.NotFound notFound, 2: common.NotADirectory notADirectory,
            3: common.IsADirectory isADirectory, 4: common.InvalidArgument invalidArgument,
            5: common.Unavailable unavailable),

  /**
   * Binds path to the uploaded object once a DOSM confirms it holds length bytes with this CRC32C (a mismatch is
   * ChecksumMismatch; an object not written yet is NotFound). Atomic: readers see the old version or the new one.
   * The old version's object is deleted after the volume's garbage grace. The upload id names the change already
   * (every retry of a commit of one upload is answered as the first): requestId is checked, and otherwise unused.
   */
  directory.Inode commit(1: string volume, 2: string path, 3: string uploadId, 4: common.ObjectId objectId,
                         5: i64 length, 6: i32 crc32c, 7: string requestId)
    throws (1: common.NotFound notFound, 2: common.ChecksumMismatch checksumMismatch,
            3: common.NotADirectory notADirectory, 4: common.IsADirectory isADirectory,
            5: common.InvalidArgument invalidArgument, 6: common.Unavailable unavailable),

  /** A file's entry and a read locator for its object. */
  OpenFile open(1: string volume, 2: string path)
    throws (1: common.NotFound notFound, 2: common.NotADirectory notADirectory,
            3: common.IsADirectory isADirectory, 4: common.InvalidArgument invalidArgument,
            5: common.Unavailable unavailable),

  /** Moves a file or directory within its volume (atomic; the target must not exist; never into itself). */
  directory.Inode rename(1: string volume, 2: string source, 3: string target,
                         4: string requestId)
    throws (1: common.NotFound notFound, 2: common.AlreadyExists alreadyExists,
            3: common.NotADirectory notADirectory, 4: common.InvalidArgument invalidArgument,
            5: common.Unavailable unavailable),

  /** Removes a file, an empty directory, or (recursive) a directory and everything under it. */
  void remove(1: string volume, 2: string path, 3: bool recursive, 4: string requestId)
    throws (1: common.NotFound notFound, 2: common.NotEmpty notEmpty, 3: common.NotADirectory notADirectory,
            4: common.InvalidArgument invalidArgument, 5: common.Unavailable unavailable),

  /** The live gateways (DOSMs for file bytes, DDMs for this API). */
  dosm.GatewayList listGateways() throws (1: common.Unavailable unavailable),

  void ping(),
}
