package io.dyad.directory.api;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.rpc.PooledConnection;
import io.dyad.rpc.RpcConnection;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.thrift.GatewayList;
import io.dyad.thrift.ObjectGateway;
import io.dyad.thrift.ObjectInfo;

/**
 * The little of a DOSM's object API the namespace needs, over one connection: whether an uploaded object is there
 * with the length and CRC32C a commit claims, deleting garbage, and the live gateways. Not thread-safe: pool them.
 */
public final class ObjectGatewayClient implements PooledConnection {
  private final RpcConnection<ObjectGateway.Client> connection;

  private ObjectGatewayClient(RpcConnection<ObjectGateway.Client> connection) {
    this.connection = connection;
  }

  public static ObjectGatewayClient connect(HostAndPort target, ThriftClientConfig config) throws DyadException {
    return new ObjectGatewayClient(RpcConnection.open(target, config, ObjectGateway.Client::new));
  }

  /** @param credential a locator permitting the read ("" in a cluster without access control) */
  public ObjectInfo stat(String objectId, String credential) throws DyadException {
    return connection.call(c -> c.stat(objectId, credential));
  }

  /** Deletes an object (a tombstone on both partners); idempotent. */
  public ObjectInfo delete(String objectId, String credential) throws DyadException {
    return connection.call(c -> c.deleteObject(objectId, credential));
  }

  public GatewayList listGateways() throws DyadException {
    return connection.call(ObjectGateway.Client::listGateways);
  }

  @Override
  public boolean isBroken() {
    return connection.isBroken();
  }

  @Override
  public boolean closedByPeer() {
    return connection.closedByPeer();
  }

  @Override
  public void close() {
    connection.close();
  }
}
