package io.dyad.rpc;

import java.net.Socket;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.layered.TLayeredTransport;

/** The remote address of a server-side connection, for log lines. */
final class PeerAddress {
  private PeerAddress() {}

  static String of(TTransport transport) {
    TTransport t = transport;
    while (t instanceof TLayeredTransport) {
      t = ((TLayeredTransport) t).getInnerTransport();
    }
    if (t instanceof TSocket) {
      Socket socket = ((TSocket) t).getSocket();
      if (socket != null && socket.getRemoteSocketAddress() != null) {
        return socket.getRemoteSocketAddress().toString().replaceFirst("^/", "");
      }
    }
    return "an unknown peer";
  }
}
