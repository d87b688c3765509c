package io.dyad.rpc;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.access.ProofTarget;
import io.dyad.rpc.tls.TlsErrors;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TProtocolUtil;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportException;
import org.apache.thrift.transport.layered.TLayeredTransport;

/** Opens client connections in Dyad's wire format (framed, strict binary) with timeouts and frame limits. */
public final class ThriftConnections {
  /** A reply nesting unknown structs deeper than this is refused, not skipped by recursion. */
  private static final int MAX_SKIP_DEPTH = 64;

  static {
    TProtocolUtil.setMaxSkipDepth(MAX_SKIP_DEPTH);
  }

  private ThriftConnections() {}

  /**
   * Connects to {@code target} and returns a protocol ready for a generated {@code Client}. The caller owns the
   * connection: close it with {@code protocol.getTransport().close()}.
   *
   * @throws DyadException {@link ErrorCode#UNAVAILABLE} if the connection cannot be made
   */
  public static TProtocol open(HostAndPort target, ThriftClientConfig config) throws DyadException {
    Socket socket = new Socket();
    try {
      return open(socket, target, config);
    } catch (DyadException e) {
      closeQuietly(socket);
      throw e;
    }
  }

  private static TProtocol open(Socket socket, HostAndPort target, ThriftClientConfig config) throws DyadException {
    TTransport transport = null;
    try {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout((int) config.requestTimeout().toMillis());
      if (config.localHost().isPresent()) {
        socket.bind(new InetSocketAddress(config.localHost().get(), 0));
      }
      socket.connect(new InetSocketAddress(target.getHost(), target.getPort()), (int) config.connectTimeout().toMillis());
      Socket wire = socket;
      if (config.tls().isPresent()) {
        try {
          wire = config.tls().get().handshake(socket, target.getHost(), target.getPort(), config.connectTimeout());
        } catch (IOException e) {
          throw new DyadException(ErrorCode.UNAVAILABLE, "cannot connect to " + target + ": "
              + TlsErrors.describe(e, "the server"), e);
        }
      }
      transport = new DyadFramedTransport(new TSocket(wire), config.maxFrameBytes(), socket);
      return new TBinaryProtocol(transport, true, true);
    } catch (IOException | TTransportException e) {
      if (transport != null) {
        transport.close();
      }
      closeQuietly(socket);
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot connect to " + target + ": " + rootMessage(e), e);
    }
  }

  /**
   * Cuts a connection {@link #open} made, from any thread, without blocking: a call in flight on it fails at once
   * with a transport error. The connection is broken afterwards and must be closed.
   */
  public static void abort(TProtocol protocol) {
    if (protocol.getTransport() instanceof DyadFramedTransport t) {
      t.abort();
    } else {
      protocol.getTransport().close();
    }
  }

  /**
   * The member at the other end of a connection {@link #open} made, as a daemon's proof names it: the address its
   * socket reached and, over TLS, the certificate the member presented.
   */
  public static ProofTarget proofTarget(TProtocol protocol) throws DyadException {
    TTransport t = protocol.getTransport();
    if (t instanceof TLayeredTransport layered) {
      t = layered.getInnerTransport();
    }
    Socket socket = t instanceof TSocket s ? s.getSocket() : null;
    if (socket == null || !(socket.getRemoteSocketAddress() instanceof InetSocketAddress remote)) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "the connection is not open");
    }
    Optional<Certificate> cert = Optional.empty();
    if (socket instanceof SSLSocket tls) {
      try {
        cert = Optional.of(tls.getSession().getPeerCertificates()[0]);
      } catch (SSLPeerUnverifiedException e) {
        throw new DyadException(ErrorCode.UNAVAILABLE, "the member at " + remote + " presented no certificate", e);
      }
    }
    return ProofTarget.of(remote, cert);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // failing anyway
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
