package io.dyad.rpc;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.server.ServerContext;
import org.apache.thrift.server.TServerEventHandler;
import org.apache.thrift.transport.TTransport;

/**
 * Knows every open server connection, so that stopping a server can close them: a worker thread blocked
 * reading an idle connection cannot be interrupted any other way.
 */
final class ConnectionTracker implements TServerEventHandler {
  private final Set<TTransport> open = ConcurrentHashMap.newKeySet();
  private final Runnable onServing;

  ConnectionTracker(Runnable onServing) {
    this.onServing = onServing;
  }

  @Override
  public void preServe() {
    onServing.run();
  }

  @Override
  public ServerContext createContext(TProtocol input, TProtocol output) {
    open.add(input.getTransport());
    return null;
  }

  @Override
  public void deleteContext(ServerContext context, TProtocol input, TProtocol output) {
    open.remove(input.getTransport());
  }

  @Override
  public void processContext(ServerContext context, TTransport input, TTransport output) {}

  int openConnections() {
    return open.size();
  }

  void closeAll() {
    for (TTransport t : open) {
      t.close();
    }
  }
}
