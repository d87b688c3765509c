package io.dyad.directory.api;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.rpc.PooledConnection;
import io.dyad.rpc.RpcConnection;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.thrift.Applied;
import io.dyad.thrift.BeginUpload;
import io.dyad.thrift.Change;
import io.dyad.thrift.ChangeOp;
import io.dyad.thrift.DirectoryServer;
import io.dyad.thrift.DirectoryStatus;
import io.dyad.thrift.EntryPage;
import io.dyad.thrift.Inode;
import io.dyad.thrift.LogPage;
import io.dyad.thrift.SnapshotManifest;
import io.dyad.thrift.VolumeState;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.thrift.TException;

/**
 * A typed client of one directory server over one connection; every failure is a {@link DyadException}. The
 * namespace's values are the IDL's own structs (they are also how directories store them). Not thread-safe: pool
 * them. After a failure of the connection itself it is {@link #isBroken() broken} and must be closed.
 */
public final class DirectoryClient implements PooledConnection {
  private final RpcConnection<DirectoryServer.Client> connection;
  private final DirectoryServer.Client client;

  private DirectoryClient(RpcConnection<DirectoryServer.Client> connection) {
    this.connection = connection;
    this.client = connection.client();
  }

  /** A connection to a directory server, authenticated with the config's daemon credential if it has one. */
  public static DirectoryClient connect(HostAndPort target, ThriftClientConfig config) throws DyadException {
    return new DirectoryClient(RpcConnection.open(target, config, DirectoryServer.Client::new,
        DirectoryServer.Client::authenticate));
  }

  public HostAndPort target() {
    return connection.target();
  }

  @FunctionalInterface
  private interface Rpc<T> {
    T call() throws TException;
  }

  private <T> T rpc(Rpc<T> call) throws DyadException {
    return connection.call(c -> call.call());
  }

  /** @param requestId the caller's id for the request, the same on every retry ("" for none) */
  public Applied submit(String volume, ChangeOp op, long epoch, String requestId) throws DyadException {
    return rpc(() -> client.submit(volume, op, epoch, requestId));
  }

  public BeginUpload upload(String volume, String uploadId, long epoch) throws DyadException {
    return rpc(() -> client.upload(volume, uploadId, epoch));
  }

  public Inode stat(String volume, String path, long epoch) throws DyadException {
    return rpc(() -> client.stat(volume, path, epoch));
  }

  public EntryPage list(String volume, String path, String afterName, int limit, long epoch) throws DyadException {
    return rpc(() -> client.listDirectory(volume, path, afterName, limit, epoch));
  }

  /** Search: where this server is with the volume. @throws DyadException NOT_FOUND if it does not hold it */
  public VolumeState findVolume(String volume) throws DyadException {
    return rpc(() -> client.findVolume(volume));
  }

  public List<VolumeState> volumes(long epoch) throws DyadException {
    return rpc(() -> client.volumes(epoch));
  }

  public DirectoryStatus status() throws DyadException {
    return rpc(client::status);
  }

  public String digest(String volume) throws DyadException {
    return rpc(() -> client.digest(volume));
  }

  /** Returns the receiver's last sequence number of the volume afterwards. */
  public long replicate(String sender, String volume, List<Change> changes, long epoch) throws DyadException {
    return rpc(() -> client.replicate(sender, volume, changes, epoch));
  }

  public LogPage fetchLog(String volume, long fromSeq, int maxChanges, long epoch) throws DyadException {
    return rpc(() -> client.fetchLog(volume, fromSeq, maxChanges, epoch));
  }

  public void join(String member, long incarnation, List<VolumeState> volumes, long epoch) throws DyadException {
    rpc(() -> {
      client.join(member, incarnation, volumes, epoch);
      return null;
    });
  }

  public SnapshotManifest openSnapshot(String member, long epoch) throws DyadException {
    return rpc(() -> client.openSnapshot(member, epoch));
  }

  public ByteBuffer readSnapshot(String snapshotId, String file, long offset, int maxBytes) throws DyadException {
    return rpc(() -> client.readSnapshot(snapshotId, file, offset, maxBytes));
  }

  @Override
  public boolean isBroken() {
    return connection.isBroken();
  }

  @Override
  public boolean closedByPeer() {
    return connection.closedByPeer();
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
