package io.dyad.rpc.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.util.Optional;

/**
 * The byte stream of one connection as its {@link Connection} sees it: plain TCP, or TLS over it. Non-blocking;
 * used only on the connection's selector loop thread.
 */
interface Wire {
  /**
   * Advances the handshake as far as the socket allows.
   *
   * @return true once application bytes can flow
   * @throws IOException if the handshake failed (the connection is to be closed)
   */
  boolean handshake() throws IOException;

  /** The selection interest that lets a waiting handshake go on (read or write). */
  int handshakeInterest();

  /** Reads application bytes into {@code dst}: how many, 0 if none are available now, -1 at the end. */
  int read(ByteBuffer dst) throws IOException;

  /** Writes application bytes from {@code srcs}; returns how many were taken (some may wait in the wire). */
  long write(ByteBuffer[] srcs) throws IOException;

  /** Tries to send what the wire still holds; true if nothing is left. */
  boolean flushed() throws IOException;

  /** The certificate this side presented in the handshake (TLS, once it finished); empty for plain TCP. */
  default Optional<Certificate> localCertificate() {
    return Optional.empty();
  }

  /** Closes the socket (after a best-effort goodbye, for TLS). */
  void close();
}
