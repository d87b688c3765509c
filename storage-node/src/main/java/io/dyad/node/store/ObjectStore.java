package io.dyad.node.store;

import com.google.common.util.concurrent.Service;
import io.dyad.common.DyadException;
import io.dyad.common.HintPage;
import io.dyad.common.InventoryPage;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.common.Presence;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A storage node's durable object store. Objects are immutable; an id, once committed or deleted, is never
 * written again. Every method is thread-safe and fails with a {@link DyadException} whose code says why;
 * called before the service runs (or after it stopped) they fail with UNAVAILABLE.
 *
 * <p>Durability contract: when {@link #commit} or {@link #delete} returns, the object or tombstone is on stable
 * storage (its file and the directory entry fsynced) and survives a crash of the process or the machine.
 */
public interface ObjectStore extends Service {

  /** The owner of write sessions opened inside the node itself (and by tests). */
  String LOCAL_OWNER = "local";

  /** Opens a write session for a new object; {@code sizeHint} is the expected length or -1. Returns the session id. */
  default String begin(ObjectId id, long sizeHint) throws DyadException {
    return begin(id, sizeHint, LOCAL_OWNER);
  }

  /**
   * As {@link #begin(ObjectId, long)}, for {@code owner} (the gateway that asks): each gateway is kept a share of the
   * store's write sessions. @throws DyadException UNAVAILABLE when the store or the owner has too many open
   */
  String begin(ObjectId id, long sizeHint, String owner) throws DyadException;

  /** Appends a chunk at {@code offset} (= bytes appended so far), at most {@link #maxChunkBytes()} long. */
  void append(String sessionId, long offset, ByteBuffer chunk) throws DyadException;

  /** Verifies length and CRC32C, makes the object durable and visible. Ends the session either way. */
  default ObjectMeta commit(String sessionId, long length, int crc32c) throws DyadException {
    return commit(sessionId, length, crc32c, List.of());
  }

  /**
   * As {@link #commit(String, long, int)}, first recording durable hints that each of {@code hintFor} lacks
   * the object (a degraded write).
   */
  ObjectMeta commit(String sessionId, long length, int crc32c, List<String> hintFor) throws DyadException;

  /** Ends a session and removes its bytes; unknown sessions are ignored. */
  void abort(String sessionId);

  /**
   * Writes a whole object (at most one chunk) in one step: as a session of one append and its commit, and as
   * durable when it returns. ChecksumMismatch if content does not have CRC32C crc32c.
   */
  ObjectMeta write(ObjectId id, ByteBuffer content, int crc32c, List<String> hintFor) throws DyadException;

  /** Up to {@code length} verified bytes from {@code offset}; fewer only at the end of the object. */
  default ByteBuffer read(ObjectId id, long offset, int length) throws DyadException {
    return read(id, offset, length, null);
  }

  /**
   * As {@link #read(ObjectId, long, int)}, reading into {@code scratch} (a heap buffer of at least
   * {@link #scratchBytesFor} bytes) instead of a new buffer; the result is then a slice of {@code scratch}.
   * A null or too small scratch is ignored.
   */
  ByteBuffer read(ObjectId id, long offset, int length, ByteBuffer scratch) throws DyadException;

  /** The scratch space a read of {@code length} bytes may need. */
  int scratchBytesFor(int length);

  /** Metadata of an object or tombstone; NOT_FOUND if the store has neither. */
  ObjectMeta stat(ObjectId id) throws DyadException;

  Presence presence(ObjectId id) throws DyadException;

  /** Replaces the object (present or not) with a durable tombstone; idempotent. */
  default ObjectMeta delete(ObjectId id) throws DyadException {
    return delete(id, List.of());
  }

  /** As {@link #delete(ObjectId)}, first recording durable hints that each of {@code hintFor} lacks the tombstone. */
  ObjectMeta delete(ObjectId id, List<String> hintFor) throws DyadException;

  /** Records a durable hint that {@code member} lacks {@code id}. */
  void addHint(String member, ObjectId id) throws DyadException;

  /**
   * Up to {@code limit} ids hinted for {@code member}, in fan-out order, after {@code cursor} ("" for the start).
   * INVALID_ARGUMENT for a cursor this store did not issue.
   */
  HintPage hints(String member, String cursor, int limit) throws DyadException;

  /** Forgets hints for {@code member}; unknown ones are ignored. */
  void clearHints(String member, List<ObjectId> ids) throws DyadException;

  /**
   * Removes copies of objects that moved to another pair, leaving no tombstone. Each entry says what the new pair
   * holds: a tombstone there removes any copy here; an object there removes only a copy of the same length and
   * CRC32C. Journaled objects are made durable in place first, so that no replay after a crash brings one back.
   * Hints for the removed ids are forgotten. Returns how many copies were removed.
   */
  int dropMoved(List<ObjectMeta> moved) throws DyadException;

  /** A page of the inventory; start with an empty cursor. */
  InventoryPage inventory(String cursor, int limit) throws DyadException;

  StoreStatus status() throws DyadException;

  /** The identity of the data directory (a random id given it when it was first used). Valid once running. */
  String dataId();

  int maxChunkBytes();
}
