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

/**
 * The garbage worker's changes: forgets garbage whose objects it has deleted, and abandons expired uploads (each
 * upload's object becomes garbage, due at once; a commit of it is refused from then on).
 */
struct ForgetGarbage {
  1: required list<GarbageItem> items,
  2: required list<string> uploadIds,
}

/**
 * Deletes a volume whose root directory is empty. Its record stays (deleted), with its log and its garbage, which
 * the garbage worker still deletes; creating the volume again goes on from the same sequence number.
 */
struct DeleteVolume {
  1: required i64 time,
}

/** What a directory server keeps about one of its volumes. */
struct VolumeRecord {
  /** the sequence number of the last change applied */
  1: required i64 lastSeq,
  /** the next inode id to hand out */
  2: required i64 nextInode,
  3: required i64 garbageGraceMillis,
  4: required i64 createdAt,
  /** deleted: reads and changes other than a new CreateVolume find no volume */
  5: optional bool deleted,
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
  8: DeleteVolume deleteVolume,
}

/** A change of a volume with its place in the volume's order. */
struct Change {
  1: required string volume,
  /** 1 for the volume's first change (its creation), then one more for each change */
  2: required i64 seq,
  3: required ChangeOp op,
  /**
   * the id the DDM gave the request (the same on its retries): a request already applied is answered from the
   * record instead of being applied twice
   */
  4: optional string requestId,
}

/** What a write left behind: the change's place in the volume's order, and the inode it made or moved, if any. */
struct Applied {
  1: required i64 seq,
  2: optional Inode inode,
}

/** One page of a directory listing, in name order (bytes of the UTF-8 names). */
struct EntryPage {
  1: required list<Inode> entries,
  /** pass as afterName to get the following page; absent on the last page */
  2: optional string nextAfter,
}

/** Where a directory server is with one of its volumes. */
struct VolumeState {
  1: required string volume,
  /** the sequence number of the last change applied */
  2: required i64 lastSeq,
  /** the oldest change still in the log (older ones were trimmed: a directory further behind needs a snapshot) */
  3: required i64 firstLogSeq,
}

/** Changes of one volume, in order. */
struct LogPage {
  1: required list<Change> changes,
  /** the sender's last sequence number for the volume when it answered */
  2: required i64 lastSeq,
  /** the oldest change the sender still has in its log */
  3: required i64 firstLogSeq,
}

/** A directory server's state, as its health and `dyad status` show it. */
struct DirectoryStatus {
  1: required string member,
  /** SERVING, RESYNCING, JOINING, FAILED_OVER, FENCED or STANDALONE */
  2: required string state,
  3: required string detail,
  /** PRIMARY, DUPLICATE or NONE (not serving) */
  4: required string role,
  5: required list<VolumeState> volumes,
}

/** A consistent copy of a directory server's whole store, to seed a partner that is too far behind. */
struct SnapshotManifest {
  1: required string snapshotId,
  /** file name → length in bytes */
  2: required map<string, i64> files,
}

/**
 * A directory server. Writes go to the pair's primary (DirectoryStatus.role); reads to either serving member.
 * Every call carries the caller's cluster epoch (0: unknown); a caller behind the server gets StaleEpoch.
 */
service DirectoryServer {
  /**
   * The primary decides, orders and applies a change that a DDM asks for (inode ids and times in op are chosen by
   * the primary, whatever the request holds); it answers once both directories of the pair hold it (or the
   * partner is failed over).
   */
  Applied submit(1: string volume, 2: ChangeOp op, 3: i64 epoch, 4: string requestId)
    throws (1: common.NotFound notFound, 2: common.AlreadyExists alreadyExists,
            3: common.InvalidArgument invalidArgument, 4: common.NotADirectory notADirectory,
            5: common.IsADirectory isADirectory, 6: common.NotEmpty notEmpty,
            7: common.Unavailable unavailable, 8: common.StaleEpoch staleEpoch, 9: common.AccessDenied accessDenied),

  /** The inode a path names. */
  Inode stat(1: string volume, 2: string path, 3: i64 epoch)
    throws (1: common.NotFound notFound, 2: common.NotADirectory notADirectory,
            3: common.InvalidArgument invalidArgument, 4: common.Unavailable unavailable,
            5: common.StaleEpoch staleEpoch, 6: common.AccessDenied accessDenied),

  /** Up to limit (1-10000) entries of a directory after afterName ("" for the first page). */
  EntryPage listDirectory(1: string volume, 2: string path, 3: string afterName, 4: i32 limit, 5: i64 epoch)
    throws (1: common.NotFound notFound, 2: common.NotADirectory notADirectory,
            3: common.InvalidArgument invalidArgument, 4: common.Unavailable unavailable,
            5: common.StaleEpoch staleEpoch, 6: common.AccessDenied accessDenied),

  /** A pending upload of a volume (NotFound once committed or abandoned). */
  BeginUpload upload(1: string volume, 2: string uploadId, 3: i64 epoch)
    throws (1: common.NotFound notFound, 2: common.InvalidArgument invalidArgument,
            3: common.Unavailable unavailable, 4: common.StaleEpoch staleEpoch, 5: common.AccessDenied accessDenied),

  /**
   * Search (point-to-point): whether this directory server holds the volume (not deleted), and where it is with it.
   * Asked without an epoch, by a DDM whose record of the volume is missing or names directories it cannot reach.
   */
  VolumeState findVolume(1: string volume)
    throws (1: common.NotFound notFound, 2: common.InvalidArgument invalidArgument, 3: common.Unavailable unavailable,
            4: common.AccessDenied accessDenied),

  /** The volumes this server holds and how far each is. Answered in any failover state. */
  list<VolumeState> volumes(1: i64 epoch) throws (1: common.Unavailable unavailable, 2: common.StaleEpoch staleEpoch,
                                                  3: common.AccessDenied accessDenied),

  /**
   * Authenticates this connection as a Dyad daemon (in a cluster with a secret, every call but health and status
   * needs it): time in ms, a nonce ("bound-" and 32 random hex digits), and proof = HMAC-SHA256 under the cluster
   * secret of "dyad member-auth-bound\n" + daemon + "\n" + time + "\n" + nonce + "\n" + the member's IP:PORT as
   * the caller's socket reached it + "\n" + the hex SHA-256 of the member's TLS certificate, or "plain" (see
   * thrift-api.md). AccessDenied if the proof is wrong, made for another member, stale (60 s) or used before.
   */
  void authenticate(1: string daemon, 2: i64 time, 3: string nonce, 4: binary proof)
    throws (1: common.AccessDenied accessDenied, 2: common.InvalidArgument invalidArgument),

  /** The server's state and role. Answered in any failover state, without a registration too. */
  DirectoryStatus status(),

  /** SHA-256 (hex) of everything a volume holds but its log: equal on two directories that applied the same changes. */
  string digest(1: string volume) throws (1: common.NotFound notFound, 2: common.Unavailable unavailable,
                                          3: common.AccessDenied accessDenied),

  // ---- between the two directories of a pair ----

  /**
   * The primary sends changes of one volume in order; the duplicate applies those that follow its last one and
   * answers with its last sequence number afterwards (lower than the last change sent: it has a gap, which the
   * primary fills from its log). Only the pair's primary, under the duplicate's epoch, may send.
   */
  i64 replicate(1: string sender, 2: string volume, 3: list<Change> changes, 4: i64 epoch)
    throws (1: common.InvalidArgument invalidArgument, 2: common.Unavailable unavailable,
            3: common.StaleEpoch staleEpoch, 4: common.AccessDenied accessDenied),

  /** Changes of a volume from fromSeq on (at most maxChanges): what a partner that is behind lacks. */
  LogPage fetchLog(1: string volume, 2: i64 fromSeq, 3: i32 maxChanges, 4: i64 epoch)
    throws (1: common.NotFound notFound, 2: common.InvalidArgument invalidArgument,
            3: common.Unavailable unavailable, 4: common.StaleEpoch staleEpoch, 5: common.AccessDenied accessDenied),

  /**
   * A catching-up partner that has pulled (nearly) all of the primary's log asks to be replicated to synchronously
   * from now on; the primary sends what it still lacks and from then on answers no write before the partner holds
   * it. Only then does the partner report CAUGHT_UP. Unavailable: still too far behind, pull more first.
   */
  void join(1: string member, 2: i64 incarnation, 3: list<VolumeState> volumes, 4: i64 epoch)
    throws (1: common.InvalidArgument invalidArgument, 2: common.Unavailable unavailable,
            3: common.StaleEpoch staleEpoch, 4: common.AccessDenied accessDenied),

  /** A consistent copy of the whole store (a RocksDB checkpoint), kept for a while for the partner to read. */
  SnapshotManifest openSnapshot(1: string member, 2: i64 epoch)
    throws (1: common.Unavailable unavailable, 2: common.StaleEpoch staleEpoch, 3: common.AccessDenied accessDenied),

  /** Up to maxBytes of one file of a snapshot from offset. */
  binary readSnapshot(1: string snapshotId, 2: string file, 3: i64 offset, 4: i32 maxBytes)
    throws (1: common.NotFound notFound, 2: common.InvalidArgument invalidArgument,
            3: common.Unavailable unavailable, 4: common.AccessDenied accessDenied),
}
