package io.dyad.rpc.server;

import org.slf4j.Logger;

/** What a server's connections and loops share. */
interface ServerCore {
  String name();

  ThriftServerConfig config();

  MemoryBudget budget();

  RequestRunner runner();

  FairQueue dispatcher();

  Logger log();

  /** A connection has closed: forget it. */
  void closed(Connection c);

  /** Runs a connection's close action off the selector thread's critical path, isolated from failures. */
  void runCloseAction(Runnable action);
}
