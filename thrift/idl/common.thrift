/*
 * Dyad — common types and errors shared by every Dyad Thrift service.
 *
 * Wire conventions (all services):
 *   - transport: framed (TFramedTransport), protocol: binary (TBinaryProtocol, strict).
 *   - a request frame larger than the server's limit is answered with a TApplicationException of type
 *     PROTOCOL_ERROR and the connection stays usable; clients should keep chunks at or below the
 *     maxChunkBytes the server advertises.
 *   - unexpected server faults come back as TApplicationException INTERNAL_ERROR; everything a caller can
 *     act on comes back as one of the typed exceptions below.
 */

namespace java io.dyad.thrift
namespace py dyad.common
namespace js Dyad
namespace go dyad.common

/**
 * An object id: 1 to 200 characters from [A-Za-z0-9._~:@+=-], never containing ".." and not made of dots only.
 * Anything else (an empty id, '/', NUL, "..", ".", an overlong id) is rejected with InvalidArgument.
 */
typedef string ObjectId

/** Machine-readable reason carried by every typed exception. The same codes are used inside Dyad. */
enum ErrorCode {
  NOT_FOUND = 1,
  ALREADY_EXISTS = 2,
  CHECKSUM_MISMATCH = 3,
  INVALID_ARGUMENT = 4,
  STORAGE_FULL = 5,
  STALE_EPOCH = 6,
  UNAVAILABLE = 7,
  ACCESS_DENIED = 8,
  NOT_A_DIRECTORY = 9,
  IS_A_DIRECTORY = 10,
  NOT_EMPTY = 11,
}

/** The object (or write session, or other named thing) does not exist. */
exception NotFound {
  1: ErrorCode code = ErrorCode.NOT_FOUND,
  2: string message,
}

/** An object with that id was already committed (or deleted: ids are never reused). */
exception AlreadyExists {
  1: ErrorCode code = ErrorCode.ALREADY_EXISTS,
  2: string message,
}

/** Bytes failed their CRC32C: at commit (client and server disagree) or on read (stored data is corrupt). */
exception ChecksumMismatch {
  1: ErrorCode code = ErrorCode.CHECKSUM_MISMATCH,
  2: string message,
}

/** The request is malformed: a bad id, a bad offset or length, a chunk over the limit. */
exception InvalidArgument {
  1: ErrorCode code = ErrorCode.INVALID_ARGUMENT,
  2: string message,
}

/** The member has no room left for the write (free space would fall below its reserve). */
exception StorageFull {
  1: ErrorCode code = ErrorCode.STORAGE_FULL,
  2: string message,
}

/** The request was routed under a failover epoch older than the one the member knows. */
exception StaleEpoch {
  1: ErrorCode code = ErrorCode.STALE_EPOCH,
  2: string message,
  /** the epoch the member knows; the caller should refresh its cluster view to at least this */
  3: i64 currentEpoch,
}

/** The member cannot serve the request now (I/O failure, overloaded, fenced, shutting down). Retry elsewhere. */
exception Unavailable {
  1: ErrorCode code = ErrorCode.UNAVAILABLE,
  2: string message,
}

/** The caller lacks a valid credential or storage resource locator for this operation. */
exception AccessDenied {
  1: ErrorCode code = ErrorCode.ACCESS_DENIED,
  2: string message,
}

/** A path names a file (or goes through one) where a directory is needed. */
exception NotADirectory {
  1: ErrorCode code = ErrorCode.NOT_A_DIRECTORY,
  2: string message,
}

/** A path names a directory where a file is needed. */
exception IsADirectory {
  1: ErrorCode code = ErrorCode.IS_A_DIRECTORY,
  2: string message,
}

/** A directory that must be empty for the operation is not. */
exception NotEmpty {
  1: ErrorCode code = ErrorCode.NOT_EMPTY,
  2: string message,
}

/** What a member knows of one object. */
struct ObjectInfo {
  1: required ObjectId id,
  /** length in bytes of the object's content (0 for a tombstone) */
  2: required i64 length,
  /** CRC32C (Castagnoli) of the whole content, as a signed 32-bit integer */
  3: required i32 crc32c,
  /** true when the object was deleted: the member keeps a tombstone so the id is never resurrected */
  4: required bool tombstone,
  /** when the member committed the object or tombstone, milliseconds since the Unix epoch */
  5: required i64 writtenAtMillis,
}

/** Presence of an object on one member. */
enum ObjectState {
  ABSENT = 0,
  PRESENT = 1,
  /** a tombstone: the object existed and was deleted */
  DELETED = 2,
}
