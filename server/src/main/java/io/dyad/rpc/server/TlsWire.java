package io.dyad.rpc.server;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.security.cert.Certificate;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * A connection's bytes through an {@link SSLEngine}, without blocking. Its three buffers (bytes from the socket not
 * yet decrypted, decrypted bytes not yet delivered, encrypted bytes not yet sent) exist only while they hold
 * something, so an idle TLS connection costs little more than a plain one. Handshake tasks (certificate checks) run
 * on the calling loop thread: they take about a millisecond.
 */
final class TlsWire implements Wire {
  private static final ByteBuffer[] NOTHING = {ByteBuffer.allocate(0)};

  private final SocketChannel channel;
  private final SSLEngine engine;
  /** bytes read from the socket, not yet unwrapped; write mode */
  private ByteBuffer netIn;
  /** unwrapped application bytes not yet delivered; read mode */
  private ByteBuffer appIn;
  /** wrapped bytes not yet written to the socket; read mode */
  private ByteBuffer netOut;
  private boolean ended;
  private boolean begun;
  /** what this side presented, once the handshake finished (read by workers checking a member proof) */
  private volatile Certificate localCertificate;

  TlsWire(SocketChannel channel, SSLEngine engine) {
    this.channel = channel;
    this.engine = engine;
  }

  @Override
  public boolean handshake() throws IOException {
    if (!begun) {
      begun = true;
      engine.beginHandshake();
    }
    while (true) {
      if (!flushed()) {
        return false;
      }
      HandshakeStatus hs = engine.getHandshakeStatus();
      switch (hs) {
        case NOT_HANDSHAKING:
        case FINISHED:
          Certificate[] mine = engine.getSession().getLocalCertificates();
          localCertificate = mine == null || mine.length == 0 ? null : mine[0];
          return true;
        case NEED_TASK:
          runTasks();
          break;
        case NEED_WRAP:
          wrap(NOTHING);
          break;
        default: // NEED_UNWRAP, NEED_UNWRAP_AGAIN
          if (!unwrap()) {
            if (ended) {
              throw new EOFException("the peer closed the connection during the TLS handshake");
            }
            return false;
          }
      }
    }
  }

  @Override
  public Optional<Certificate> localCertificate() {
    return Optional.ofNullable(localCertificate);
  }

  @Override
  public int handshakeInterest() {
    return netOut != null && netOut.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    while (true) {
      if (appIn != null && appIn.hasRemaining()) {
        int n = Math.min(appIn.remaining(), dst.remaining());
        ByteBuffer slice = appIn.slice(appIn.position(), n);
        dst.put(slice);
        appIn.position(appIn.position() + n);
        if (!appIn.hasRemaining()) {
          appIn = null;
        }
        return n;
      }
      if (ended) {
        return -1;
      }
      HandshakeStatus hs = engine.getHandshakeStatus();
      if (hs == HandshakeStatus.NEED_TASK) {
        runTasks();
        continue;
      }
      if (hs == HandshakeStatus.NEED_WRAP) {
        wrap(NOTHING); // a post-handshake message to answer (a key update); sent with the next write or flush
        flushed();
        continue;
      }
      if (!unwrap()) {
        return ended && (appIn == null || !appIn.hasRemaining()) ? -1 : 0;
      }
    }
  }

  /**
   * Unwraps one record from what has arrived, reading the socket if a whole record is not there yet.
   *
   * @return true if the engine made progress (it consumed a record); false if it needs bytes that have not arrived
   *     (or the stream ended: {@link #ended})
   */
  private boolean unwrap() throws IOException {
    if (netIn == null) {
      netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    }
    while (true) {
      if (netIn.position() > 0) {
        if (appIn == null) {
          appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
        }
        netIn.flip();
        appIn.compact();
        SSLEngineResult r;
        try {
          r = engine.unwrap(netIn, appIn);
        } finally {
          netIn.compact();
          appIn.flip();
        }
        switch (r.getStatus()) {
          case OK:
            releaseIdleBuffers();
            return true;
          case CLOSED:
            ended = true;
            releaseIdleBuffers();
            return false;
          case BUFFER_OVERFLOW:
            if (appIn.hasRemaining()) {
              return true; // deliver what is there first
            }
            appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize() * 2).flip();
            continue;
          default: // BUFFER_UNDERFLOW: a record is incomplete
            if (!netIn.hasRemaining()) {
              netIn = grow(netIn, engine.getSession().getPacketBufferSize());
            }
        }
      }
      int n = channel.read(netIn);
      if (n < 0) {
        ended = true;
        try {
          engine.closeInbound();
        } catch (SSLException truncated) {
          // the peer went away without a goodbye: an ordinary end for us
        }
        return false;
      }
      if (n == 0) {
        releaseIdleBuffers();
        return false;
      }
    }
  }

  @Override
  public long write(ByteBuffer[] srcs) throws IOException {
    long taken = 0;
    while (flushed() && remaining(srcs) > 0) {
      taken += wrap(srcs);
    }
    return taken;
  }

  private long wrap(ByteBuffer[] srcs) throws IOException {
    if (netOut == null) {
      netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize()).flip();
    }
    netOut.compact();
    SSLEngineResult r;
    try {
      r = engine.wrap(srcs, netOut);
    } finally {
      netOut.flip();
    }
    if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
      netOut = grow(netOut.compact(), engine.getSession().getPacketBufferSize()).flip();
    } else if (r.getStatus() == SSLEngineResult.Status.CLOSED && remaining(srcs) > 0) {
      throw new SSLException("the TLS session is closed");
    }
    return r.bytesConsumed();
  }

  @Override
  public boolean flushed() throws IOException {
    if (netOut == null) {
      return true;
    }
    if (netOut.hasRemaining()) {
      channel.write(netOut);
    }
    if (netOut.hasRemaining()) {
      return false;
    }
    netOut = null;
    return true;
  }

  private void runTasks() {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run();
    }
  }

  /** Drops buffers that hold nothing: idle connections keep no 16 KiB buffers. */
  private void releaseIdleBuffers() {
    if (netIn != null && netIn.position() == 0) {
      netIn = null;
    }
    if (appIn != null && !appIn.hasRemaining()) {
      appIn = null;
    }
  }

  private static ByteBuffer grow(ByteBuffer full, int atLeast) {
    ByteBuffer bigger = ByteBuffer.allocate(Math.max(atLeast, full.capacity() * 2));
    full.flip();
    bigger.put(full);
    return bigger;
  }

  private static long remaining(ByteBuffer[] srcs) {
    long n = 0;
    for (ByteBuffer b : srcs) {
      n += b.remaining();
    }
    return n;
  }

  @Override
  public void close() {
    try {
      engine.closeOutbound();
      wrap(NOTHING); // close_notify, sent if the socket takes it at once
      flushed();
    } catch (IOException | RuntimeException ignored) {
      // closing anyway
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
