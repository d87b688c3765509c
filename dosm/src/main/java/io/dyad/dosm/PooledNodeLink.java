package io.dyad.dosm;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.common.Presence;
import io.dyad.common.Routing;
import io.dyad.common.WriteSessionInfo;
import io.dyad.rpc.ConnectionPool;
import io.dyad.rpc.ConnectionPool.Retry;
import io.dyad.rpc.StorageNodeClient;
import java.nio.ByteBuffer;

/**
 * {@link NodeLink} on the DOSM's pooled {@link StorageNodeClient} connections: each operation is one
 * {@link ConnectionPool#call}, retried on a fresh connection only where sending twice is safe (never for append,
 * commit and write). The pool's error mapping and {@code FailoverCutoff}'s abandonment of calls in flight apply as
 * to any pooled call.
 */
final class PooledNodeLink implements NodeLink {
  private final ConnectionPool<StorageNodeClient> pool;

  PooledNodeLink(ConnectionPool<StorageNodeClient> pool) {
    this.pool = pool;
  }

  @Override
  public WriteSessionInfo begin(HostAndPort node, ObjectId id, long sizeHint, Routing routing) throws DyadException {
    return pool.call(node, Retry.SAFE, c -> c.begin(id, sizeHint, routing));
  }

  @Override
  public void append(HostAndPort node, String sessionId, long offset, ByteBuffer chunk) throws DyadException {
    pool.call(node, Retry.NEVER, c -> {
      c.append(sessionId, offset, chunk);
      return null;
    });
  }

  @Override
  public ObjectMeta commit(HostAndPort node, String sessionId, long length, int crc32c, Routing routing)
      throws DyadException {
    return pool.call(node, Retry.NEVER, c -> c.commit(sessionId, length, crc32c, routing));
  }

  @Override
  public ObjectMeta write(HostAndPort node, ObjectId id, ByteBuffer data, int crc32c, Routing routing)
      throws DyadException {
    return pool.call(node, Retry.NEVER, c -> c.write(id, data, crc32c, routing));
  }

  @Override
  public void abort(HostAndPort node, String sessionId) throws DyadException {
    pool.call(node, Retry.SAFE, c -> {
      c.abort(sessionId);
      return null;
    });
  }

  @Override
  public ObjectMeta localStat(HostAndPort node, ObjectId id, long epoch) throws DyadException {
    return pool.call(node, Retry.SAFE, c -> c.localStat(id, epoch));
  }

  @Override
  public Presence has(HostAndPort node, ObjectId id, long epoch) throws DyadException {
    return pool.call(node, Retry.SAFE, c -> c.has(id, epoch));
  }

  @Override
  public void addHint(HostAndPort node, String lackingMember, ObjectId id, long epoch) throws DyadException {
    pool.call(node, Retry.SAFE, c -> {
      c.addHint(lackingMember, id, epoch);
      return null;
    });
  }

  @Override
  public ObjectMeta delete(HostAndPort node, ObjectId id, Routing routing) throws DyadException {
    return pool.call(node, Retry.SAFE, c -> c.delete(id, routing));
  }

  @Override
  public <T> T read(HostAndPort node, ReadCall<T> call) throws DyadException {
    return pool.call(node, Retry.SAFE, c -> call.call(new ClientReads(c)));
  }

  @Override
  public void forget(HostAndPort node) {
    pool.forget(node);
  }

  /** The read operations of one leased connection. */
  private record ClientReads(StorageNodeClient client) implements Reads {
    @Override
    public HostAndPort target() {
      return client.target();
    }

    @Override
    public ObjectMeta stat(ObjectId id, long epoch) throws DyadException {
      return client.stat(id, epoch);
    }

    @Override
    public ObjectMeta localStat(ObjectId id, long epoch) throws DyadException {
      return client.localStat(id, epoch);
    }

    @Override
    public ByteBuffer readShared(ObjectId id, long offset, int length, long epoch) throws DyadException {
      return client.readShared(id, offset, length, epoch);
    }

    @Override
    public ByteBuffer localReadShared(ObjectId id, long offset, int length, long epoch) throws DyadException {
      return client.localReadShared(id, offset, length, epoch);
    }
  }
}
