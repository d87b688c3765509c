package io.dyad.rpc;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.layered.TLayeredTransport;

/**
 * Tells whether the server closed an idle client connection: a read with a 1 ms timeout either times out (the
 * connection is alive and quiet, as it should be between calls) or sees the end of the stream (the server closed
 * it). Anything else — bytes nobody asked for, an error — also means the connection cannot be reused.
 */
public final class IdleSocketProbe {
  private IdleSocketProbe() {}

  public static boolean closedByPeer(TTransport transport) {
    TTransport t = transport;
    while (t instanceof TLayeredTransport layered) {
      t = layered.getInnerTransport();
    }
    if (!(t instanceof TSocket ts) || ts.getSocket() == null) {
      return false;
    }
    Socket s = ts.getSocket();
    try {
      int timeout = s.getSoTimeout();
      s.setSoTimeout(1);
      try {
        InputStream in = s.getInputStream();
        in.read();
        return true; // end of stream, or a byte that belongs to no call
      } catch (SocketTimeoutException quiet) {
        return false;
      } finally {
        s.setSoTimeout(timeout);
      }
    } catch (IOException e) {
      return true;
    }
  }
}
