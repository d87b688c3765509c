/*
 * Dyad — the storage node service (an "intelligent storage node" of the design).
 *
 * A storage node stores immutable objects durably on local disk. Writes are chunked sessions:
 *   beginWrite -> append (in order, offset = bytes sent so far) -> commitWrite (length + CRC32C) | abortWrite.
 * Nothing is visible until commitWrite returns; commitWrite returns only after the object is on stable
 * storage (temp file fsynced, renamed into place, directory fsynced). Every read is verified against
 * stored block checksums; corrupt bytes are never returned.
 */

include "common.thrift"

namespace java io.dyad.thrift
namespace py dyad.storage
namespace js Dyad
namespace go dyad.storage

/**
 * How a write was routed. epoch is the failover epoch the caller routed under (0: not routed by a DOSM, e.g.
 * a tool talking to one standalone node); a member that knows a newer epoch refuses the request with
 * StaleEpoch. hintFor names members that will lack the object (a degraded write): the node records a
 * durable hint for each before it acknowledges, so that they copy the object when they return.
 */
struct WriteContext {
  1: i64 epoch = 0,
  2: list<string> hintFor = [],
}

/** A page of hints: objects a member lacks and must copy from this node. */
struct HintPage {
  1: required list<common.ObjectId> ids,
  /** pass to the next listHints call; absent on the last page */
  2: optional string nextCursor,
}

/** An open write session. */
struct WriteSession {
  1: required string sessionId,
  /** the largest chunk append accepts, in bytes */
  2: required i32 maxChunkBytes,
}

/** One page of a member's inventory. Entries come in a stable order that is the same on every member. */
struct InventoryPage {
  1: required list<common.ObjectInfo> entries,
  /** pass to the next inventory call; absent on the last page */
  2: optional string nextCursor,
}

/** A member's view of its own health. */
struct NodeHealth {
  1: required string memberId,
  /**
   * SERVING (reads and writes), RESYNCING (catching up with its partner: writes, no reads), JOINING (a new
   * incarnation or data directory waiting for the coordinator: no reads), FAILED_OVER (its partner serves in its
   * place), FENCED (no valid ZooKeeper registration: nothing), or STANDALONE (not in a cluster: everything)
   */
  2: required string status,
  3: required i64 startedAtMillis,
  /** bytes free for new objects on the data volume, before the reserve is taken off */
  4: required i64 usableBytes,
  5: required i64 totalBytes,
  /** writes are refused once usableBytes would fall below this */
  6: required i64 reserveBytes,
  7: required i32 openWriteSessions,
  8: required i32 maxChunkBytes,
  9: required string version,
  /** why the status is what it is, in a sentence (e.g. "failed over at epoch 7; b1 serves in its place") */
  10: optional string detail,
}

service StorageNode {
  /**
   * Opens a write session for a new object. sizeHint is the expected length in bytes, or -1 if unknown;
   * a known size lets the node refuse at once when it has no room.
   */
  WriteSession beginWrite(1: common.ObjectId id, 2: i64 sizeHint, 3: WriteContext ctx)
    throws (1: common.InvalidArgument invalidArgument, 2: common.AlreadyExists alreadyExists,
            3: common.StorageFull storageFull, 4: common.Unavailable unavailable,
            5: common.StaleEpoch staleEpoch, 6: common.AccessDenied accessDenied),

  /**
   * Appends a chunk. offset must equal the number of bytes appended so far (so a retried or reordered
   * chunk is refused, never written twice); data must not exceed maxChunkBytes.
   * An unknown or expired session is NotFound.
   */
  void append(1: string sessionId, 2: i64 offset, 3: binary data)
    throws (1: common.InvalidArgument invalidArgument, 2: common.NotFound notFound,
            3: common.StorageFull storageFull, 4: common.Unavailable unavailable,
            5: common.AccessDenied accessDenied),

  /**
   * Makes the object durable and visible, if length and crc32c match what was appended; otherwise the
   * session is discarded and ChecksumMismatch (or InvalidArgument for a length mismatch) is thrown.
   * The session ends either way. Hints named in ctx are made durable before the object is.
   */
  common.ObjectInfo commitWrite(1: string sessionId, 2: i64 length, 3: i32 crc32c, 4: WriteContext ctx)
    throws (1: common.InvalidArgument invalidArgument, 2: common.NotFound notFound,
            3: common.ChecksumMismatch checksumMismatch, 4: common.AlreadyExists alreadyExists,
            5: common.StorageFull storageFull, 6: common.Unavailable unavailable,
            7: common.StaleEpoch staleEpoch, 8: common.AccessDenied accessDenied),

  /**
   * Writes a whole object of at most maxChunkBytes in one call: beginWrite, one append and commitWrite together,
   * durable and visible when it returns, with the same checks and errors. Small objects are acknowledged after a
   * group commit: their bytes go to the node's journal, whose fsync concurrent writes share.
   */
  common.ObjectInfo writeObject(1: common.ObjectId id, 2: binary data, 3: i32 crc32c, 4: WriteContext ctx)
    throws (1: common.InvalidArgument invalidArgument, 2: common.AlreadyExists alreadyExists,
            3: common.ChecksumMismatch checksumMismatch, 4: common.StorageFull storageFull,
            5: common.Unavailable unavailable, 6: common.StaleEpoch staleEpoch, 7: common.AccessDenied accessDenied),

  /** Discards a session and its bytes. Aborting an unknown session is not an error. */
  void abortWrite(1: string sessionId)
    throws (1: common.Unavailable unavailable, 2: common.AccessDenied accessDenied),

  /**
   * Reads up to length bytes from offset (fewer only at the end of the object; none at the end).
   * length must not exceed maxChunkBytes. A deleted object is NotFound. epoch as in WriteContext.
   */
  binary read(1: common.ObjectId id, 2: i64 offset, 3: i32 length, 4: i64 epoch)
    throws (1: common.InvalidArgument invalidArgument, 2: common.NotFound notFound,
            3: common.ChecksumMismatch checksumMismatch, 4: common.Unavailable unavailable,
            5: common.StaleEpoch staleEpoch, 6: common.AccessDenied accessDenied),

  /**
   * A client's direct read (see ObjectGateway.openRead): as read, but answered to any caller — a daemon's
   * authentication is not needed — that presents a read locator for id or an operator's credential (anything, in a
   * cluster without access control). Served only while the member serves reads; on any error, read through a DOSM.
   */
  binary readDirect(1: common.ObjectId id, 2: i64 offset, 3: i32 length, 4: string credential)
    throws (1: common.InvalidArgument invalidArgument, 2: common.NotFound notFound,
            3: common.ChecksumMismatch checksumMismatch, 4: common.Unavailable unavailable,
            5: common.AccessDenied accessDenied),

  /** Length, checksum and write time of an object or tombstone. */
  common.ObjectInfo stat(1: common.ObjectId id, 2: i64 epoch)
    throws (1: common.InvalidArgument invalidArgument, 2: common.NotFound notFound,
            3: common.ChecksumMismatch checksumMismatch, 4: common.Unavailable unavailable,
            5: common.StaleEpoch staleEpoch, 6: common.AccessDenied accessDenied),

  /**
   * What this member itself holds of an object or tombstone, whatever its failover state (RESYNCING included):
   * for a partner copying what it lacks, and for a gateway checking a repeated put. Its copy may be stale; clients
   * read through stat and read. NotFound if it holds neither.
   */
  common.ObjectInfo localStat(1: common.ObjectId id, 2: i64 epoch)
    throws (1: common.InvalidArgument invalidArgument, 2: common.NotFound notFound,
            3: common.ChecksumMismatch checksumMismatch, 4: common.Unavailable unavailable,
            5: common.StaleEpoch staleEpoch, 6: common.AccessDenied accessDenied),

  /** As read, but served in any failover state, like localStat: for a partner copying what it lacks. */
  binary localRead(1: common.ObjectId id, 2: i64 offset, 3: i32 length, 4: i64 epoch)
    throws (1: common.InvalidArgument invalidArgument, 2: common.NotFound notFound,
            3: common.ChecksumMismatch checksumMismatch, 4: common.Unavailable unavailable,
            5: common.StaleEpoch staleEpoch, 6: common.AccessDenied accessDenied),

  /** Whether this member holds the object, a tombstone for it, or nothing. */
  common.ObjectState has(1: common.ObjectId id, 2: i64 epoch)
    throws (1: common.InvalidArgument invalidArgument, 2: common.Unavailable unavailable,
            3: common.StaleEpoch staleEpoch, 4: common.AccessDenied accessDenied),

  /**
   * Deletes an object by replacing it with a durable tombstone. Deleting an absent id still records the
   * tombstone (a delete may arrive before the object it deletes); deleting twice is harmless. Hints named
   * in ctx are made durable before the tombstone is.
   */
  common.ObjectInfo deleteObject(1: common.ObjectId id, 2: WriteContext ctx)
    throws (1: common.InvalidArgument invalidArgument, 2: common.StorageFull storageFull,
            3: common.Unavailable unavailable, 4: common.StaleEpoch staleEpoch, 5: common.AccessDenied accessDenied),

  /**
   * Records a durable hint that forMember lacks object id (for a write whose other copy failed after this
   * node had committed).
   */
  void addHint(1: string forMember, 2: common.ObjectId id, 3: WriteContext ctx)
    throws (1: common.InvalidArgument invalidArgument, 2: common.StorageFull storageFull,
            3: common.Unavailable unavailable, 4: common.StaleEpoch staleEpoch, 5: common.AccessDenied accessDenied),

  /** The objects (and tombstones) this node holds hints for on behalf of forMember, limit (1..10000) at a time. */
  HintPage listHints(1: string forMember, 2: string cursor, 3: i32 limit)
    throws (1: common.InvalidArgument invalidArgument, 2: common.Unavailable unavailable,
            3: common.AccessDenied accessDenied),

  /** Forgets hints once forMember has copied the objects. Unknown hints are ignored. */
  void clearHints(1: string forMember, 2: list<common.ObjectId> ids)
    throws (1: common.InvalidArgument invalidArgument, 2: common.Unavailable unavailable,
            3: common.AccessDenied accessDenied),

  /**
   * Removes this member's copies of objects that now belong to another pair, leaving no tombstone: for the
   * rebalancer, once it has put each object (or its tombstone) on its new pair. Each entry says what the new pair
   * holds: for a tombstone any copy here goes; for an object only a copy of the same length and CRC32C does (a
   * different object under the same id is kept, and logged). Absent ids are skipped. Returns how many were removed.
   */
  i32 dropMoved(1: list<common.ObjectInfo> moved, 2: WriteContext ctx)
    throws (1: common.InvalidArgument invalidArgument, 2: common.Unavailable unavailable,
            3: common.StaleEpoch staleEpoch, 4: common.AccessDenied accessDenied),

  /**
   * A page of at most limit entries (1..10000) of everything the member holds, tombstones included.
   * Start with an empty cursor.
   */
  InventoryPage inventory(1: string cursor, 2: i32 limit)
    throws (1: common.InvalidArgument invalidArgument, 2: common.Unavailable unavailable,
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

  void ping(),

  NodeHealth health(),
}
