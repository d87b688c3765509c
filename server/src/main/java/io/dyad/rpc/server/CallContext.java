package io.dyad.rpc.server;

import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.util.Optional;

/**
 * The client connection a request arrived on, for handlers that keep state per client (a DOSM's open puts):
 * who the peer is, and a way to clean up when the connection closes. Available through {@link #current()} on
 * the worker thread while a handler runs.
 */
public interface CallContext {

  /** A number unique among this server's connections. */
  long connectionId();

  /** The peer's IP address, e.g. "127.0.0.1". */
  String peerHost();

  /** "host:port" of the peer, for log lines. */
  String peer();

  /** This server's address as the peer reached it (the socket's local address); null if the socket was closed. */
  InetSocketAddress localAddress();

  /** The certificate this server presented to the peer, on a TLS connection. */
  Optional<Certificate> localCertificate();

  /**
   * Runs {@code action} once the connection is closed (by either side, or when the server stops). If it is closed
   * already, runs it at once. Actions run on a server thread and must not block for long.
   */
  void onClose(Runnable action);

  /** The Dyad daemon this connection authenticated as, if it did. */
  Optional<String> daemon();

  /** Marks the connection as authenticated as {@code daemon} (after its proof was checked). */
  void authenticatedAs(String daemon);

  /** The connection of the request this thread is handling, if it runs inside a Dyad Thrift server. */
  static Optional<CallContext> current() {
    return Optional.ofNullable(RequestRunner.CURRENT.get());
  }
}
