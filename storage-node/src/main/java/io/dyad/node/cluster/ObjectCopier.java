package io.dyad.node.cluster;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.common.Presence;
import io.dyad.node.store.ObjectStore;
import io.dyad.rpc.StorageNodeClient;
import java.nio.ByteBuffer;

/**
 * Brings one object or tombstone from a partner into the local store, streaming in chunks. The local commit
 * checks the bytes against the partner's CRC32C, so a copy is either exact or not made. A tombstone always
 * wins: a deleted object is never copied back. Reads the partner's own copy whatever its failover state
 * ({@code localRead}): two members that both catch up take what the other holds.
 */
final class ObjectCopier {
  private final ObjectStore store;
  private final StorageNodeClient partner;
  private final int chunkBytes;

  ObjectCopier(ObjectStore store, StorageNodeClient partner, int chunkBytes) {
    this.store = store;
    this.partner = partner;
    this.chunkBytes = chunkBytes;
  }

  /** What {@link #bring} did. */
  enum Outcome {
    NOTHING,
    COPIED,
    TOMBSTONED
  }

  /** Makes the local store hold what {@code remote} describes. */
  Outcome bring(ObjectMeta remote, long epoch) throws DyadException {
    ObjectId id = remote.id();
    Presence local = store.presence(id);
    if (remote.tombstone()) {
      if (local != Presence.DELETED) {
        store.delete(id);
        return Outcome.TOMBSTONED;
      }
      return Outcome.NOTHING;
    }
    if (local != Presence.ABSENT) {
      return Outcome.NOTHING; // present (objects are immutable) or deleted here (the tombstone wins)
    }
    String session = store.begin(id, remote.length());
    boolean committed = false;
    try {
      long offset = 0;
      while (offset < remote.length()) {
        ByteBuffer data = partner.localReadShared(id, offset, (int) Math.min(chunkBytes, remote.length() - offset),
            epoch);
        if (!data.hasRemaining()) {
          throw new DyadException(ErrorCode.INTERNAL, "partner returned no bytes at offset " + offset + " of " + id);
        }
        int n = data.remaining();
        store.append(session, offset, data);
        offset += n;
      }
      store.commit(session, remote.length(), remote.crc32c());
      committed = true;
      return Outcome.COPIED;
    } catch (DyadException e) {
      if (e.code() == ErrorCode.ALREADY_EXISTS) {
        committed = true; // a concurrent write brought the same immutable object
        return Outcome.NOTHING;
      }
      throw e;
    } finally {
      if (!committed) {
        store.abort(session);
      }
    }
  }
}
