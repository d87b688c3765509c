package io.dyad.dosm;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.common.Presence;
import io.dyad.common.Routing;
import io.dyad.common.WriteSessionInfo;
import java.nio.ByteBuffer;

/**
 * The storage-node operations of the DOSM's put, read, delete and hint paths, one call each against the node at an
 * address. Production runs them on pooled connections ({@link PooledNodeLink}); unit tests run the put and read
 * logic against an in-memory pair. Errors are the nodes' {@link DyadException}s (UNAVAILABLE for a node that
 * cannot be reached or timed out). Thread-safe.
 */
interface NodeLink {

  /** Opens a write session (safe to send again: an unused session expires on the node). */
  WriteSessionInfo begin(HostAndPort node, ObjectId id, long sizeHint, Routing routing) throws DyadException;

  /** Appends to a write session; never sent twice. */
  void append(HostAndPort node, String sessionId, long offset, ByteBuffer chunk) throws DyadException;

  /** Commits a write session; never sent twice (a lost answer is checked with {@link #localStat}). */
  ObjectMeta commit(HostAndPort node, String sessionId, long length, int crc32c, Routing routing)
      throws DyadException;

  /** Writes a whole object in one call; never sent twice. */
  ObjectMeta write(HostAndPort node, ObjectId id, ByteBuffer data, int crc32c, Routing routing) throws DyadException;

  /** Drops a write session. */
  void abort(HostAndPort node, String sessionId) throws DyadException;

  /** What the member itself holds of {@code id}, in any failover state. */
  ObjectMeta localStat(HostAndPort node, ObjectId id, long epoch) throws DyadException;

  /** Whether the member itself holds {@code id}, its tombstone, or neither. */
  Presence has(HostAndPort node, ObjectId id, long epoch) throws DyadException;

  /** Records on the node that {@code lackingMember} lacks {@code id}. */
  void addHint(HostAndPort node, String lackingMember, ObjectId id, long epoch) throws DyadException;

  /** Writes a tombstone for {@code id}. */
  ObjectMeta delete(HostAndPort node, ObjectId id, Routing routing) throws DyadException;

  /** Runs {@code call} on one node's connection (retried on a fresh one if that one was broken). */
  <T> T read(HostAndPort node, ReadCall<T> call) throws DyadException;

  /** Forgets the node's idle connections (it was found unreachable). */
  void forget(HostAndPort node);

  /** A read-side call on one node; its result must not alias the buffers {@link Reads} hands out. */
  @FunctionalInterface
  interface ReadCall<T> {
    T call(Reads node) throws DyadException;
  }

  /**
   * The read operations on one node's connection. Buffers returned by the {@code *Shared} reads are valid only
   * until the next call on it: copy them out before returning from the {@link ReadCall}.
   */
  interface Reads {
    /** The address of the node that answers. */
    HostAndPort target();

    ObjectMeta stat(ObjectId id, long epoch) throws DyadException;

    /** As {@link #stat}, answered in any failover state. */
    ObjectMeta localStat(ObjectId id, long epoch) throws DyadException;

    ByteBuffer readShared(ObjectId id, long offset, int length, long epoch) throws DyadException;

    /** As {@link #readShared}, answered in any failover state. */
    ByteBuffer localReadShared(ObjectId id, long offset, int length, long epoch) throws DyadException;
  }
}
