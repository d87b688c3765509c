/*
 * Dyad — the object gateway (DOSM, distributed object storage manager): the client-facing object service.
 *
 * A DOSM stores each object on both members of the pair that placement picks for its id, acknowledges a
 * write only when both have committed it (or, if one is failed over or unreachable, when the other has
 * committed it together with a durable hint), reads from whichever member serves, and searches the storage
 * centers for objects that are not where placement says. DOSMs are stateless apart from puts in progress:
 * run several (they register under /dyad/dosm in ZooKeeper) and retry another on Unavailable.
 *
 * Puts are chunked like storage-node writes: beginPut -> putChunk (in order) -> commitPut (length + CRC32C).
 */

include "common.thrift"

namespace java io.dyad.thrift
namespace py dyad.dosm
namespace js Dyad
namespace go dyad.dosm

/** An open put. */
struct PutSession {
  1: required string putId,
  /** the id the object will have (the DOSM assigns a random one unless the caller asked for one) */
  2: required common.ObjectId objectId,
  3: required i32 maxChunkBytes,
}

/** Where one copy of an object is. */
struct Location {
  1: required string memberId,
  2: required string address,
  3: required string center,
  4: required common.ObjectState state,
  /** "placement" for the pair placement picks, "search" for a copy found elsewhere */
  5: required string how,
}

struct Locations {
  1: required common.ObjectId id,
  /** the pair placement picks for the id */
  2: required string pairId,
  3: required list<Location> locations,
}

/**
 * An object's record and where its bytes can be read directly (openRead): the storage node whose copy the DOSM
 * just checked — it serves reads, holds the object, and its partner holds no tombstone for it.
 */
struct ReadPlan {
  1: required common.ObjectInfo info,
  /** HOST:PORT of that storage node (call readDirect there); empty: read through the DOSM */
  2: required string nodeAddress,
}

/**
 * How to reach the cluster: every live gateway, and the limits a client needs. A client that knows one gateway
 * learns the others from it, so it needs no ZooKeeper.
 */
struct GatewayList {
  /** HOST:PORT of every live object gateway (DOSM) */
  1: required list<string> objectGateways,
  /** HOST:PORT of every live directory gateway (DDM) */
  2: required list<string> directoryGateways,
  /** the largest chunk putChunk accepts and get returns, in bytes */
  3: required i32 maxChunkBytes,
  4: required string clusterName,
  /** the Dyad version of the gateway that answered */
  5: required string version,
}

service ObjectGateway {
  /**
   * Starts a put. id: the object id to use, or empty for a new random one. credential: in a cluster with access
   * control, a write locator for id (from a DDM's create) or an operator's credential ("" otherwise).
   */
  PutSession beginPut(1: i64 sizeHint, 2: string id, 3: string credential)
    throws (1: common.InvalidArgument invalidArgument, 2: common.AlreadyExists alreadyExists,
            3: common.StorageFull storageFull, 4: common.Unavailable unavailable,
            5: common.AccessDenied accessDenied),

  /** Sends a chunk; offset must equal the bytes sent so far. */
  void putChunk(1: string putId, 2: i64 offset, 3: binary data)
    throws (1: common.InvalidArgument invalidArgument, 2: common.NotFound notFound,
            3: common.StorageFull storageFull, 4: common.Unavailable unavailable),

  /**
   * Commits the object on both partners (or one plus a durable hint) and returns it. The put ends either
   * way; on Unavailable nothing was acknowledged and the put may be retried with the same id.
   */
  common.ObjectInfo commitPut(1: string putId, 2: i64 length, 3: i32 crc32c)
    throws (1: common.InvalidArgument invalidArgument, 2: common.NotFound notFound,
            3: common.ChecksumMismatch checksumMismatch, 4: common.AlreadyExists alreadyExists,
            5: common.StorageFull storageFull, 6: common.Unavailable unavailable),

  void abortPut(1: string putId),

  /**
   * Stores a whole object of at most maxChunkBytes in one call (beginPut, putChunk and commitPut together): the
   * DOSM writes both members at once, each in one call. id: the id to use, or empty for a new random one — a
   * client that may retry should choose the id itself (a random one), so that a retry after a lost answer stores
   * nothing twice. credential: as for beginPut. On Unavailable nothing was acknowledged; retry with the same id.
   */
  common.ObjectInfo putObject(1: string id, 2: binary data, 3: i32 crc32c, 4: string credential)
    throws (1: common.InvalidArgument invalidArgument, 2: common.AlreadyExists alreadyExists,
            3: common.ChecksumMismatch checksumMismatch, 4: common.StorageFull storageFull,
            5: common.Unavailable unavailable, 6: common.AccessDenied accessDenied),

  /**
   * Up to length (<= maxChunkBytes) bytes of an object from offset, from whichever copy serves. credential: a read
   * locator (from a DDM's open) or an operator's credential, in a cluster with access control.
   */
  binary get(1: common.ObjectId id, 2: i64 offset, 3: i32 length, 4: string credential)
    throws (1: common.InvalidArgument invalidArgument, 2: common.NotFound notFound,
            3: common.ChecksumMismatch checksumMismatch, 4: common.Unavailable unavailable,
            5: common.AccessDenied accessDenied),

  /** An object's length, CRC32C and state. credential: as for get. */
  common.ObjectInfo stat(1: common.ObjectId id, 2: string credential)
    throws (1: common.InvalidArgument invalidArgument, 2: common.NotFound notFound,
            3: common.Unavailable unavailable, 4: common.AccessDenied accessDenied),

  /**
   * stat, plus the storage node to read the bytes from directly (StorageNode.readDirect, with the same credential),
   * one hop instead of two. A client that cannot reach the node, or whose direct read fails in any way, reads (the
   * rest) through get.
   */
  ReadPlan openRead(1: common.ObjectId id, 2: string credential)
    throws (1: common.InvalidArgument invalidArgument, 2: common.NotFound notFound,
            3: common.Unavailable unavailable, 4: common.AccessDenied accessDenied),

  /**
   * Deletes an object on both partners (a tombstone each, or one plus a hint). Idempotent. credential: a delete
   * locator or an operator's credential, in a cluster with access control.
   */
  common.ObjectInfo deleteObject(1: common.ObjectId id, 2: string credential)
    throws (1: common.InvalidArgument invalidArgument, 2: common.StorageFull storageFull,
            3: common.Unavailable unavailable, 4: common.AccessDenied accessDenied),

  /**
   * Every member known to hold the object or a tombstone for it: its pair, and copies found by search. credential:
   * as for get.
   */
  Locations locate(1: common.ObjectId id, 2: string credential)
    throws (1: common.InvalidArgument invalidArgument, 2: common.Unavailable unavailable,
            3: common.AccessDenied accessDenied),

  /** The live gateways of the cluster (this one included) and the chunk limit. */
  GatewayList listGateways()
    throws (1: common.Unavailable unavailable),

  void ping(),
}
