package io.dyad.client;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.rpc.PooledConnection;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.rpc.ThriftConnections;
import io.dyad.rpc.ThriftErrors;
import io.dyad.thrift.FileSystem;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TProtocol;

/**
 * One connection to one DDM; every failure a {@link DyadException}. After a failure of the connection itself it is
 * broken and must not be reused. Not thread-safe.
 */
final class DdmConnection implements PooledConnection {
  final HostAndPort target;
  private final TProtocol protocol;
  private final FileSystem.Client client;
  private boolean broken;

  private DdmConnection(HostAndPort target, TProtocol protocol) {
    this.target = target;
    this.protocol = protocol;
    this.client = new FileSystem.Client(protocol);
  }

  static DdmConnection open(HostAndPort target, ThriftClientConfig config) throws DyadException {
    return new DdmConnection(target, ThriftConnections.open(target, config));
  }

  @FunctionalInterface
  interface Rpc<T> {
    T call(FileSystem.Client c) throws TException;
  }

  <T> T call(Rpc<T> rpc) throws DyadException {
    try {
      return rpc.call(client);
    } catch (TException e) {
      if (!ThriftErrors.isTypedReply(e) && !(e instanceof TApplicationException)) {
        broken = true;
      }
      throw ThriftErrors.fromThrift(target, e);
    }
  }

  @Override
  public boolean isBroken() {
    return broken || !protocol.getTransport().isOpen();
  }

  @Override
  public boolean closedByPeer() {
    boolean closed = io.dyad.rpc.IdleSocketProbe.closedByPeer(protocol.getTransport());
    broken |= closed;
    return closed;
  }

  @Override
  public void close() {
    protocol.getTransport().close();
  }
}
