package io.dyad.cli;

import com.google.common.net.HostAndPort;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy between a client and one server that can lose a reply: forwards bytes both ways and, when told to, lets
 * the next request through but swallows its reply and cuts the connection, as a network that fails after the server
 * did the work. A request is the client's first bytes after a reply on the same connection, so only requests on a
 * connection that already carried one (a pooled one, as clients reuse) are counted; it reads no bytes, so TLS passes
 * through it too. Listens on the server's own address (certificates name the address), on a free port.
 */
final class DropReplyProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final HostAndPort target;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  /** the requests to let through before the one whose reply is lost (0: none armed) */
  private final AtomicInteger countdown = new AtomicInteger();
  private final AtomicInteger dropped = new AtomicInteger();
  private volatile boolean closed;

  DropReplyProxy(HostAndPort target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket(0, 50, InetAddress.getByName(target.getHost()));
    Thread accept = new Thread(this::acceptLoop, "drop-reply-proxy-" + listener.getLocalPort());
    accept.setDaemon(true);
    accept.start();
  }

  HostAndPort address() {
    return HostAndPort.fromParts(target.getHost(), listener.getLocalPort());
  }

  /** Loses the reply to the {@code nth} request from now (1: the next) on a connection that carried one before. */
  void loseReplyTo(int nth) {
    countdown.set(nth);
  }

  /** Loses the reply to the next request on a connection that carried one before. */
  void loseNextReply() {
    loseReplyTo(1);
  }

  /** How many replies were lost so far. */
  int repliesLost() {
    return dropped.get();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket();
        server.connect(new InetSocketAddress(target.getHost(), target.getPort()), 5_000);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        Link link = new Link(client, server);
        open.add(client);
        open.add(server);
        start("up", () -> link.pumpRequests());
        start("down", () -> link.pumpReplies());
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void start(String name, Runnable r) {
    Thread t = new Thread(r, "drop-reply-proxy-" + name);
    t.setDaemon(true);
    t.start();
  }

  /** One client connection and its connection to the server. */
  private final class Link {
    final Socket client;
    final Socket server;
    /** whether the last bytes on this connection were the server's (so the client's next ones start a request) */
    volatile boolean replied;
    volatile boolean losing;

    Link(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void pumpRequests() {
      pump(client, server, n -> {
        if (replied) {
          replied = false;
          if (countdown.get() > 0 && countdown.decrementAndGet() == 0) {
            losing = true;
          }
        }
        return true;
      });
    }

    void pumpReplies() {
      pump(server, client, n -> {
        if (losing) {
          dropped.incrementAndGet();
          return false;
        }
        replied = true;
        return true;
      });
    }

    /** Copies from one socket to the other while {@code pass} lets each read through; then closes both. */
    private void pump(Socket from, Socket to, java.util.function.IntPredicate pass) {
      byte[] buffer = new byte[64 * 1024];
      try (InputStream in = from.getInputStream()) {
        OutputStream out = to.getOutputStream();
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          if (!pass.test(n)) {
            break;
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // either side went away: close both
      } finally {
        closeQuietly(client);
        closeQuietly(server);
      }
    }
  }

  private void closeQuietly(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    open.forEach(this::closeQuietly);
  }
}
