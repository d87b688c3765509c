package io.dyad.rpc;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.HintPage;
import io.dyad.common.InventoryPage;
import io.dyad.common.MemberHealth;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.common.Presence;
import io.dyad.common.Routing;
import io.dyad.common.WriteSessionInfo;
import io.dyad.thrift.NodeHealth;
import io.dyad.thrift.ObjectInfo;
import io.dyad.thrift.ObjectState;
import io.dyad.thrift.WriteContext;
import io.dyad.thrift.WriteSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * A typed client of one storage node over one connection: Dyad types in and out, every failure a
 * {@link DyadException}. Also streams whole objects in bounded memory ({@link #put}, {@link #get}), checking
 * the CRC32C end to end. Not thread-safe: use one per thread (or pool them).
 *
 * <p>After a failure of the connection itself (it broke, timed out, or answered out of order) the client is
 * {@link #isBroken() broken}: its state is unknown and it must be closed, not reused. A typed refusal (NotFound,
 * StaleEpoch...) leaves it usable.
 */
public final class StorageNodeClient implements PooledConnection {
  /** Chunk size used by {@link #put} and {@link #get}, bounded by what the node advertises. */
  public static final int DEFAULT_CHUNK_BYTES = 1024 * 1024;
  /** How many chunk reads {@link #get} keeps in flight on the connection. */
  private static final int READ_AHEAD = 2;

  private final HostAndPort target;
  private final RpcConnection<PipelinedStorageNodeClient> connection;
  private final PipelinedStorageNodeClient client;
  private final int chunkBytes;

  private StorageNodeClient(RpcConnection<PipelinedStorageNodeClient> connection, int chunkBytes) {
    this.target = connection.target();
    this.connection = connection;
    this.client = connection.client();
    this.chunkBytes = chunkBytes;
  }

  public static StorageNodeClient connect(HostAndPort target, ThriftClientConfig config) throws DyadException {
    return connect(target, config, DEFAULT_CHUNK_BYTES);
  }

  /** A connection to a node, authenticated with the config's daemon credential if it has one. */
  public static StorageNodeClient connect(HostAndPort target, ThriftClientConfig config, int chunkBytes)
      throws DyadException {
    return new StorageNodeClient(RpcConnection.open(target, config, PipelinedStorageNodeClient::new,
        PipelinedStorageNodeClient::authenticate), chunkBytes);
  }

  public HostAndPort target() {
    return target;
  }

  /** Whether the connection failed and must be closed instead of reused. */
  @Override
  public boolean isBroken() {
    return connection.isBroken();
  }

  @Override
  public boolean closedByPeer() {
    return connection.closedByPeer();
  }

  /** Drops big buffers kept from earlier replies; call before the connection goes idle in a pool. */
  public void trim() {
    ((DyadFramedTransport) connection.protocol().getTransport()).trim();
  }

  private static WriteContext context(Routing routing) {
    return new WriteContext().setEpoch(routing.epoch()).setHintFor(new ArrayList<>(routing.hintFor()));
  }

  public WriteSessionInfo begin(ObjectId id, long sizeHint) throws DyadException {
    return begin(id, sizeHint, Routing.NONE);
  }

  public WriteSessionInfo begin(ObjectId id, long sizeHint, Routing routing) throws DyadException {
    WriteSession s = connection.call(c -> c.beginWrite(id.value(), sizeHint, context(routing)));
    return new WriteSessionInfo(s.getSessionId(), s.getMaxChunkBytes());
  }

  public void append(String sessionId, long offset, ByteBuffer chunk) throws DyadException {
    connection.call(c -> {
      c.append(sessionId, offset, chunk);
      return null;
    });
  }

  public ObjectMeta commit(String sessionId, long length, int crc32c) throws DyadException {
    return commit(sessionId, length, crc32c, Routing.NONE);
  }

  public ObjectMeta commit(String sessionId, long length, int crc32c, Routing routing) throws DyadException {
    return toMeta(connection.call(c -> c.commitWrite(sessionId, length, crc32c, context(routing))));
  }

  /** A whole object (at most one chunk) in one call; durable on the node when it returns. */
  public ObjectMeta write(ObjectId id, ByteBuffer data, int crc32c, Routing routing) throws DyadException {
    return toMeta(connection.call(c -> c.writeObject(id.value(), data, crc32c, context(routing))));
  }

  public void abort(String sessionId) throws DyadException {
    connection.call(c -> {
      c.abortWrite(sessionId);
      return null;
    });
  }

  /** Up to {@code length} bytes of an object from {@code offset}, in a buffer of the caller's own. */
  public ByteBuffer read(ObjectId id, long offset, int length) throws DyadException {
    return read(id, offset, length, 0);
  }

  /** A client's direct read (no daemon authentication; {@code credential} proves it may read), in a buffer of its own. */
  public ByteBuffer readDirect(ObjectId id, long offset, int length, String credential) throws DyadException {
    ByteBuffer shared = connection.call(c -> c.readDirect(id.value(), offset, length, credential));
    return ByteBuffer.allocate(shared.remaining()).put(shared).flip();
  }

  public ByteBuffer read(ObjectId id, long offset, int length, long epoch) throws DyadException {
    ByteBuffer shared = readShared(id, offset, length, epoch);
    return ByteBuffer.allocate(shared.remaining()).put(shared).flip();
  }

  /**
   * As {@link #read}, but the result aliases the connection's frame buffer: valid only until the next call
   * on this client. For callers that copy the bytes out at once.
   */
  public ByteBuffer readShared(ObjectId id, long offset, int length, long epoch) throws DyadException {
    return connection.call(c -> c.read(id.value(), offset, length, epoch));
  }

  /** What the member itself holds of {@code id}, whatever its failover state (for resync and repeated puts). */
  public ObjectMeta localStat(ObjectId id, long epoch) throws DyadException {
    return toMeta(connection.call(c -> c.localStat(id.value(), epoch)));
  }

  /** As {@link #readShared}, served in any failover state (for resync). */
  public ByteBuffer localReadShared(ObjectId id, long offset, int length, long epoch) throws DyadException {
    return connection.call(c -> c.localRead(id.value(), offset, length, epoch));
  }

  public ObjectMeta stat(ObjectId id) throws DyadException {
    return stat(id, 0);
  }

  public ObjectMeta stat(ObjectId id, long epoch) throws DyadException {
    return toMeta(connection.call(c -> c.stat(id.value(), epoch)));
  }

  public Presence has(ObjectId id) throws DyadException {
    return has(id, 0);
  }

  public Presence has(ObjectId id, long epoch) throws DyadException {
    ObjectState state = connection.call(c -> c.has(id.value(), epoch));
    if (state == ObjectState.PRESENT) {
      return Presence.PRESENT;
    }
    return state == ObjectState.DELETED ? Presence.DELETED : Presence.ABSENT;
  }

  public ObjectMeta delete(ObjectId id) throws DyadException {
    return delete(id, Routing.NONE);
  }

  public ObjectMeta delete(ObjectId id, Routing routing) throws DyadException {
    return toMeta(connection.call(c -> c.deleteObject(id.value(), context(routing))));
  }

  /**
   * Removes the node's copies of objects that moved to another pair; each entry is what the new pair holds. Returns
   * how many copies the node removed.
   */
  public int dropMoved(List<ObjectMeta> moved, long epoch) throws DyadException {
    List<ObjectInfo> infos = new ArrayList<>(moved.size());
    for (ObjectMeta m : moved) {
      infos.add(ThriftTypes.toThrift(m));
    }
    return connection.call(c -> c.dropMoved(infos, new WriteContext().setEpoch(epoch)));
  }

  /** Asks the node to keep a durable hint that {@code forMember} lacks {@code id}. */
  public void addHint(String forMember, ObjectId id, long epoch) throws DyadException {
    connection.call(c -> {
      c.addHint(forMember, id.value(), new WriteContext().setEpoch(epoch));
      return null;
    });
  }

  /** A page of the ids the node holds hints for on behalf of {@code forMember}. */
  public HintPage listHints(String forMember, String cursor, int limit) throws DyadException {
    io.dyad.thrift.HintPage page = connection.call(c -> c.listHints(forMember, cursor == null ? "" : cursor, limit));
    List<ObjectId> ids = new ArrayList<>(page.getIdsSize());
    for (String raw : page.getIds()) {
      String problem = ObjectId.problemWith(raw);
      if (problem != null) {
        throw new DyadException(ErrorCode.INTERNAL, target + " listed an invalid hinted id: " + problem);
      }
      ids.add(ObjectId.of(raw));
    }
    return new HintPage(ids, Optional.ofNullable(page.getNextCursor()));
  }

  public void clearHints(String forMember, List<ObjectId> ids) throws DyadException {
    List<String> values = new ArrayList<>(ids.size());
    ids.forEach(i -> values.add(i.value()));
    connection.call(c -> {
      c.clearHints(forMember, values);
      return null;
    });
  }

  public InventoryPage inventory(String cursor, int limit) throws DyadException {
    io.dyad.thrift.InventoryPage page = connection.call(c -> c.inventory(cursor == null ? "" : cursor, limit));
    List<ObjectMeta> entries = new ArrayList<>(page.getEntriesSize());
    for (ObjectInfo info : page.getEntries()) {
      entries.add(toMeta(info));
    }
    return new InventoryPage(entries, Optional.ofNullable(page.getNextCursor()));
  }

  public void ping() throws DyadException {
    connection.call(c -> {
      c.ping();
      return null;
    });
  }

  public MemberHealth health() throws DyadException {
    NodeHealth h = connection.call(PipelinedStorageNodeClient::health);
    return new MemberHealth(h.getMemberId(), h.getStatus(), h.isSetDetail() ? h.getDetail() : "", h.getStartedAtMillis(),
        h.getUsableBytes(), h.getTotalBytes(), h.getReserveBytes(), h.getOpenWriteSessions(), h.getMaxChunkBytes(),
        h.getVersion());
  }

  /**
   * Streams {@code in} to the node as object {@code id}, in chunks, and commits it with the CRC32C computed on
   * the way. On any failure the session is aborted (best effort) and the error rethrown.
   *
   * @param sizeHint the expected length, or -1
   */
  public ObjectMeta put(ObjectId id, InputStream in, long sizeHint) throws DyadException, IOException {
    return put(id, in, sizeHint, Routing.NONE);
  }

  /** As {@link #put(ObjectId, InputStream, long)}, routed as given. */
  public ObjectMeta put(ObjectId id, InputStream in, long sizeHint, Routing routing) throws DyadException, IOException {
    WriteSessionInfo session = begin(id, sizeHint, routing);
    int chunk = Math.min(chunkBytes, session.maxChunkBytes());
    CRC32C crc = new CRC32C();
    byte[] buf = new byte[chunk];
    long offset = 0;
    boolean committed = false;
    try {
      int n;
      while ((n = in.readNBytes(buf, 0, chunk)) > 0) {
        crc.update(buf, 0, n);
        append(session.sessionId(), offset, ByteBuffer.wrap(buf, 0, n));
        offset += n;
      }
      ObjectMeta meta = commit(session.sessionId(), offset, (int) crc.getValue(), routing);
      committed = true;
      return meta;
    } finally {
      if (!committed) {
        abortQuietly(session.sessionId());
      }
    }
  }

  /**
   * Streams object {@code id} into {@code out} and checks the CRC32C of everything received against the
   * node's record. Returns the object's metadata.
   */
  public ObjectMeta get(ObjectId id, OutputStream out) throws DyadException, IOException {
    return get(id, out, 0);
  }

  /** As {@link #get(ObjectId, OutputStream)}, under the given epoch. */
  public ObjectMeta get(ObjectId id, OutputStream out, long epoch) throws DyadException, IOException {
    ObjectMeta meta = stat(id, epoch);
    if (meta.tombstone()) {
      throw DyadException.notFound("object " + id + " was deleted");
    }
    CRC32C crc = new CRC32C();
    long offset = 0;
    long requested = 0;
    try {
      while (offset < meta.length()) {
        // keep the next chunk's request in flight while this one is checked and written out
        while (client.inFlight() < READ_AHEAD && requested < meta.length()) {
          final long at = requested;
          final int len = (int) Math.min(chunkBytes, meta.length() - requested);
          connection.call(c -> {
            c.send_read(id.value(), at, len, epoch);
            return null;
          });
          requested += len;
        }
        ByteBuffer data = connection.call(PipelinedStorageNodeClient::recv_read);
        long expected = Math.min(chunkBytes, meta.length() - offset);
        if (data.remaining() != expected) {
          throw new DyadException(ErrorCode.INTERNAL, target + " returned " + data.remaining() + " bytes at offset "
              + offset + " of object " + id + " where " + expected + " were asked for");
        }
        crc.update(data.duplicate());
        offset += data.remaining();
        out.write(data.array(), data.arrayOffset() + data.position(), data.remaining());
      }
    } catch (DyadException | IOException | RuntimeException e) {
      drainInFlight();
      throw e;
    }
    if ((int) crc.getValue() != meta.crc32c()) {
      throw new DyadException(ErrorCode.CHECKSUM_MISMATCH, String.format(
          "object %s from %s: received bytes have CRC32C %08x, expected %s", id, target, (int) crc.getValue(),
          meta.crcHex()));
    }
    return meta;
  }

  /** Reads and drops the replies of calls still in flight, so that the connection can be used again. */
  private void drainInFlight() {
    while (client.inFlight() > 0) {
      try {
        connection.call(PipelinedStorageNodeClient::recv_read);
      } catch (DyadException ignored) {
        // a typed error for a chunk nobody wants any more; a broken connection ends the loop
        if (connection.isBroken()) {
          return;
        }
      }
    }
  }

  private void abortQuietly(String sessionId) {
    try {
      abort(sessionId);
    } catch (DyadException ignored) {
      // the session expires on the node anyway
    }
  }

  private ObjectMeta toMeta(ObjectInfo info) throws DyadException {
    return ThriftTypes.toMeta(target, info);
  }

  /** Cuts the connection from another thread: a call blocked on it fails at once (see {@link PooledConnection}). */
  @Override
  public void abort() {
    connection.abort();
  }

  @Override
  public void close() {
    connection.close();
  }
}
