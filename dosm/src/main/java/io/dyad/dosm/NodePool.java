package io.dyad.dosm;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.rpc.StorageNodeClient;
import io.dyad.rpc.ThriftClientConfig;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Reusable connections to storage nodes, a bounded number of idle ones per node. A connection is taken for
 * one operation ({@link #lease}) and returned when the lease closes; a lease marked {@link Lease#broken} (or
 * closed after a connection failure) is closed instead of kept. Thread-safe.
 */
public final class NodePool implements AutoCloseable {
  private final ThriftClientConfig config;
  private final int chunkBytes;
  private final int idlePerNode;
  private final ConcurrentMap<HostAndPort, BlockingQueue<StorageNodeClient>> idle = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public NodePool(ThriftClientConfig config, int chunkBytes, int idlePerNode) {
    this.config = config;
    this.chunkBytes = chunkBytes;
    this.idlePerNode = idlePerNode;
  }

  /** A connection to {@code node}, reused if one is idle. @throws DyadException UNAVAILABLE if it cannot connect */
  public Lease lease(HostAndPort node) throws DyadException {
    if (closed) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "the DOSM is shutting down");
    }
    StorageNodeClient c = queue(node).poll();
    return new Lease(node, c != null ? c : StorageNodeClient.connect(node, config, chunkBytes));
  }

  private BlockingQueue<StorageNodeClient> queue(HostAndPort node) {
    return idle.computeIfAbsent(node, n -> new ArrayBlockingQueue<>(idlePerNode));
  }

  /** Drops idle connections to a node (it failed): the next lease connects afresh. */
  public void forget(HostAndPort node) {
    BlockingQueue<StorageNodeClient> q = idle.remove(node);
    if (q != null) {
      q.forEach(StorageNodeClient::close);
    }
  }

  @Override
  public void close() {
    closed = true;
    idle.values().forEach(q -> q.forEach(StorageNodeClient::close));
    idle.clear();
  }

  /** One borrowed connection. */
  public final class Lease implements AutoCloseable {
    private final HostAndPort node;
    private final StorageNodeClient client;
    private boolean broken;

    private Lease(HostAndPort node, StorageNodeClient client) {
      this.node = node;
      this.client = client;
    }

    public StorageNodeClient client() {
      return client;
    }

    public boolean isBroken() {
      return broken;
    }

    /** Marks the connection unusable (after a transport failure or timeout). */
    public void broken() {
      broken = true;
    }

    /** Marks it unusable if {@code e} may have left the connection in an unknown state. */
    public void checkBroken(DyadException e) {
      if (e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.INTERNAL) {
        broken = true;
      }
    }

    @Override
    public void close() {
      if (broken || closed || !queue(node).offer(client)) {
        client.close();
      }
    }
  }
}
