package io.dyad.rpc;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import org.apache.thrift.TConfiguration;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportException;

/** Opens client connections in Dyad's wire format (framed, strict binary) with timeouts and frame limits. */
public final class ThriftConnections {
  private ThriftConnections() {}

  /**
   * Connects to {@code target} and returns a protocol ready for a generated {@code Client}. The caller owns the
   * connection: close it with {@code protocol.getTransport().close()}.
   *
   * @throws DyadException {@link ErrorCode#UNAVAILABLE} if the connection cannot be made
   */
  public static TProtocol open(HostAndPort target, ThriftClientConfig config) throws DyadException {
    TConfiguration tconf = new TConfiguration(config.maxFrameBytes(), config.maxFrameBytes(),
        TConfiguration.DEFAULT_RECURSION_DEPTH);
    TTransport transport = null;
    try {
      TSocket socket = new TSocket(tconf, target.getHost(), target.getPort(),
          (int) config.requestTimeout().toMillis(), (int) config.connectTimeout().toMillis());
      socket.getSocket().setTcpNoDelay(true);
      transport = new DyadFramedTransport(socket, config.maxFrameBytes());
      transport.open();
      return new TBinaryProtocol(transport, true, true);
    } catch (TTransportException | java.net.SocketException e) {
      if (transport != null) {
        transport.close();
      }
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot connect to " + target + ": " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m.toLowerCase();
  }
}
