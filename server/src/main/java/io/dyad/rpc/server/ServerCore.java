package io.dyad.rpc.server;

import com.google.common.base.Ticker;
import org.slf4j.Logger;

/** What a server's connections and loops share. */
interface ServerCore {
  String name();

  ThriftServerConfig config();

  MemoryBudget budget();

  RequestRunner runner();

  FairQueue dispatcher();

  Logger log();

  /** What the server refused or cut, counted. */
  ServerCounters counters();

  /** The time the connections' timeouts are measured by (the system's, or a test's). */
  Ticker ticker();

  /** How long a connection may stay idle now: shorter while the server is under pressure. */
  long idleTimeoutNanos();

  /** A connection has closed: forget it. */
  void closed(Connection c);

  /** Runs a connection's close action off the selector thread's critical path, isolated from failures. */
  void runCloseAction(Runnable action);
}
