package io.dyad.directory.api;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.rpc.IdleSocketProbe;
import io.dyad.rpc.PooledConnection;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.rpc.ThriftConnections;
import io.dyad.rpc.ThriftErrors;
import io.dyad.thrift.GatewayList;
import io.dyad.thrift.ObjectGateway;
import io.dyad.thrift.ObjectInfo;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TProtocol;

/**
 * The little of a DOSM's object API the namespace needs, over one connection: whether an uploaded object is there
 * with the length and CRC32C a commit claims, deleting garbage, and the live gateways. Not thread-safe: pool them.
 */
public final class ObjectGatewayClient implements PooledConnection {
  private final HostAndPort target;
  private final TProtocol protocol;
  private final ObjectGateway.Client client;
  private boolean broken;

  private ObjectGatewayClient(HostAndPort target, TProtocol protocol) {
    this.target = target;
    this.protocol = protocol;
    this.client = new ObjectGateway.Client(protocol);
  }

  public static ObjectGatewayClient connect(HostAndPort target, ThriftClientConfig config) throws DyadException {
    return new ObjectGatewayClient(target, ThriftConnections.open(target, config));
  }

  @FunctionalInterface
  private interface Rpc<T> {
    T call() throws TException;
  }

  private <T> T rpc(Rpc<T> call) throws DyadException {
    try {
      return call.call();
    } catch (TException e) {
      boolean refusal = e instanceof TApplicationException a && a.getType() != TApplicationException.BAD_SEQUENCE_ID
          && a.getType() != TApplicationException.MISSING_RESULT;
      if (!ThriftErrors.isTypedReply(e) && !refusal) {
        broken = true;
      }
      throw ThriftErrors.fromThrift(target, e);
    }
  }

  /** @param credential a locator permitting the read ("" in a cluster without access control) */
  public ObjectInfo stat(String objectId, String credential) throws DyadException {
    return rpc(() -> client.stat(objectId, credential));
  }

  /** Deletes an object (a tombstone on both partners); idempotent. */
  public ObjectInfo delete(String objectId, String credential) throws DyadException {
    return rpc(() -> client.deleteObject(objectId, credential));
  }

  public GatewayList listGateways() throws DyadException {
    return rpc(client::listGateways);
  }

  @Override
  public boolean isBroken() {
    return broken || !protocol.getTransport().isOpen();
  }

  @Override
  public boolean closedByPeer() {
    boolean closed = IdleSocketProbe.closedByPeer(protocol.getTransport());
    broken |= closed;
    return closed;
  }

  @Override
  public void close() {
    protocol.getTransport().close();
  }
}
