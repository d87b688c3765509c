package io.dyad.rpc;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import java.nio.ByteBuffer;
import java.util.function.Function;
import org.apache.thrift.TException;
import org.apache.thrift.TServiceClient;
import org.apache.thrift.protocol.TProtocol;

/**
 * One connection to one Dyad server with its generated Thrift client: every failure of a call a
 * {@link DyadException}; after a failure of the connection itself ({@link ThriftErrors#breaksConnection}) it is
 * {@link #isBroken() broken} and must be closed, not reused. Not thread-safe, except {@link #abort}: pool them.
 *
 * @param <C> the generated client of the server's service
 */
public final class RpcConnection<C extends TServiceClient> implements PooledConnection {
  /** One call on the generated client. */
  @FunctionalInterface
  public interface Rpc<C, T> {
    T call(C client) throws TException;
  }

  /** The service's {@code authenticate(daemon, time, nonce, proof)} call (storage nodes, directory servers). */
  @FunctionalInterface
  public interface Authenticate<C> {
    void call(C client, String daemon, long time, String nonce, ByteBuffer proof) throws TException;
  }

  private final HostAndPort target;
  private final TProtocol protocol;
  private final C client;
  private boolean broken;
  /** cut by {@link #abort} (from another thread) */
  private volatile boolean aborted;

  private RpcConnection(HostAndPort target, TProtocol protocol, C client) {
    this.target = target;
    this.protocol = protocol;
    this.client = client;
  }

  /** A connection to {@code target}, for a service that needs no daemon login (gateways). */
  public static <C extends TServiceClient> RpcConnection<C> open(HostAndPort target, ThriftClientConfig config,
      Function<TProtocol, C> clients) throws DyadException {
    TProtocol protocol = ThriftConnections.open(target, config);
    return new RpcConnection<>(target, protocol, clients.apply(protocol));
  }

  /**
   * A connection to a member, authenticated ({@link MemberLogin}) with the config's daemon credential if it has one.
   *
   * @throws DyadException what opening failed with, or the member's refusal (the connection is then closed)
   */
  public static <C extends TServiceClient> RpcConnection<C> open(HostAndPort target, ThriftClientConfig config,
      Function<TProtocol, C> clients, Authenticate<C> authenticate) throws DyadException {
    RpcConnection<C> c = open(target, config, clients);
    if (config.credential().isPresent()) {
      try {
        MemberLogin.authenticate(config.credential().get(), c.protocol, p -> c.call(client -> {
          authenticate.call(client, p.daemon(), p.time(), p.nonce(), ByteBuffer.wrap(p.mac()));
          return null;
        }));
      } catch (DyadException e) {
        c.close();
        throw e;
      }
    }
    return c;
  }

  public HostAndPort target() {
    return target;
  }

  /** The generated client, for what {@link #call} cannot wrap (draining replies still in flight). */
  public C client() {
    return client;
  }

  /** Calls {@code rpc}; a failure is a {@link DyadException}, and breaks the connection if it left it out of step. */
  public <T> T call(Rpc<C, T> rpc) throws DyadException {
    try {
      return rpc.call(client);
    } catch (TException e) {
      broken |= ThriftErrors.breaksConnection(e);
      throw ThriftErrors.fromThrift(target, e);
    }
  }

  /** The connection's protocol, for what {@link #call} cannot wrap. */
  public TProtocol protocol() {
    return protocol;
  }

  @Override
  public boolean isBroken() {
    return broken || aborted || !protocol.getTransport().isOpen();
  }

  @Override
  public boolean closedByPeer() {
    boolean closed = IdleSocketProbe.closedByPeer(protocol.getTransport());
    broken |= closed;
    return closed;
  }

  /** Cuts the connection from another thread: a call blocked on it fails at once (see {@link PooledConnection}). */
  @Override
  public void abort() {
    aborted = true;
    ThriftConnections.abort(protocol);
  }

  @Override
  public void close() {
    protocol.getTransport().close();
  }
}
