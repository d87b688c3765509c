package io.dyad.cli;

import com.google.common.util.concurrent.AbstractIdleService;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real standalone ZooKeeper server in this JVM ({@code ZooKeeperServerEmbedded}), for one-machine clusters
 * ({@code dyad zk}, {@code dyad local}) — not for production, where an ensemble of three or five runs apart.
 */
public final class EmbeddedZooKeeper extends AbstractIdleService {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedZooKeeper.class);

  private static final int MAX_SESSION_MILLIS = 60_000;
  /**
   * The largest request ZooKeeper accepts (jute.maxbuffer; ZooKeeper's default is 1 MiB). It bounds ZooKeeper's
   * memory too: the server keeps its last 500 requests (refused ones included) whole, twice over, for followers that
   * catch up — 128 MiB at this size, 1 GiB at the default, which a stranger could fill with refused creates. Dyad's
   * znodes are a few hundred bytes; its largest request, admin init, takes about 170 bytes per member and pair.
   */
  static final int MAX_REQUEST_BYTES = 128 * 1024;
  /** Requests the server holds at once before it stops reading from clients (ZooKeeper's default: no limit). */
  private static final int MAX_QUEUED_REQUESTS = 2000;

  private final Path dataDir;
  private final InetSocketAddress address;
  private final int tickMillis;
  private final Optional<SecurePort> secure;
  private ZooKeeperServerEmbedded server;

  /**
   * TLS only, with client certificates required.
   *
   * @param keyStore PEM file with the server's private key and certificate chain
   * @param trustedCa PEM file of the CA whose client certificates are accepted
   */
  public record SecurePort(Path keyStore, Path trustedCa) {}

  /**
   * @param tickMillis ZooKeeper's tick; sessions may last from 2 to 20 ticks
   */
  public EmbeddedZooKeeper(Path dataDir, InetSocketAddress address, int tickMillis) {
    this(dataDir, address, tickMillis, Optional.empty());
  }

  /** @param secure serve only TLS on {@code address} (no plain port) */
  public EmbeddedZooKeeper(Path dataDir, InetSocketAddress address, int tickMillis, Optional<SecurePort> secure) {
    this.dataDir = dataDir;
    this.address = address;
    this.tickMillis = tickMillis;
    this.secure = secure;
  }

  @Override
  protected void startUp() throws Exception {
    String where = address.getHostString() + ":" + address.getPort();
    // ZooKeeper logs a bind failure and carries on; find out first, so the daemon fails with a clear message
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(address);
    } catch (BindException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot listen on " + where + ": " + e.getMessage().toLowerCase(), e);
    }
    try {
      Files.createDirectories(dataDir);
    } catch (java.io.IOException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "ZooKeeper data directory " + dataDir + " cannot be used: " + e, e);
    }
    if (System.getProperty("jute.maxbuffer") == null) {
      // read once by the server classes (and by clients in this JVM): an operator's -Djute.maxbuffer wins
      System.setProperty("jute.maxbuffer", Integer.toString(MAX_REQUEST_BYTES));
    }
    Properties p = new Properties();
    if (secure.isPresent()) {
      // ZooKeeper's TLS needs its Netty server; these keys also become JVM-wide "zookeeper.*" system properties
      p.setProperty("secureClientPort", Integer.toString(address.getPort()));
      p.setProperty("secureClientPortAddress", address.getHostString());
      p.setProperty("serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory");
      p.setProperty("ssl.keyStore.location", secure.get().keyStore().toString());
      p.setProperty("ssl.keyStore.type", "PEM");
      p.setProperty("ssl.trustStore.location", secure.get().trustedCa().toString());
      p.setProperty("ssl.trustStore.type", "PEM");
      p.setProperty("ssl.clientAuth", "need");
    } else {
      p.setProperty("clientPort", Integer.toString(address.getPort()));
      p.setProperty("clientPortAddress", address.getHostString());
    }
    p.setProperty("tickTime", Integer.toString(tickMillis));
    // a short tick lets sessions be short; it must not also cap them (ZooKeeper's default maximum is 20 ticks)
    p.setProperty("maxSessionTimeout", Integer.toString(Math.max(20 * tickMillis, MAX_SESSION_MILLIS)));
    p.setProperty("initLimit", "10");
    p.setProperty("syncLimit", "5");
    p.setProperty("admin.enableServer", "false");
    p.setProperty("maxCnxns", "1000");
    p.setProperty("maxClientCnxns", "60"); // per client address
    p.setProperty("request_throttle_max_requests", Integer.toString(MAX_QUEUED_REQUESTS));
    p.setProperty("4lw.commands.whitelist", "ruok,stat,mntr,srvr");
    p.setProperty("autopurge.snapRetainCount", "3");
    p.setProperty("autopurge.purgeInterval", "1");
    server = ZooKeeperServerEmbedded.builder().baseDir(dataDir).configuration(p).exitHandler(ExitHandler.LOG_ONLY)
        .build();
    server.start(30_000);
    // the embedded server logs a failed start and returns anyway: ask it whether it serves (over TLS, the first
    // client that connects finds out)
    if (secure.isEmpty() && !answersRuok()) {
      server.close();
      throw new DyadException(ErrorCode.UNAVAILABLE, "ZooKeeper on " + where + " did not start (see the log above)");
    }
    LOG.info("ZooKeeper serving {}on {} (data {}, tick {} ms)", secure.isPresent() ? "TLS only " : "", where, dataDir,
        tickMillis);
  }

  private boolean answersRuok() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(address, 1000);
        s.setSoTimeout(2000);
        s.getOutputStream().write("ruok".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        s.shutdownOutput();
        String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        if (answer.equals("imok")) {
          // "imok" means the process answers; "stat" tells whether the server itself runs
          return serving();
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private boolean serving() {
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(address, 1000);
      s.setSoTimeout(2000);
      s.getOutputStream().write("srvr".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      s.shutdownOutput();
      String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
      return answer.contains("Mode:");
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** The TLS keys ZooKeeper turned into JVM-wide "zookeeper.*" system properties at start. */
  private static final java.util.List<String> SECURE_KEYS = java.util.List.of("serverCnxnFactory",
      "ssl.keyStore.location", "ssl.keyStore.type", "ssl.trustStore.location", "ssl.trustStore.type", "ssl.clientAuth");

  @Override
  protected void shutDown() {
    server.close();
    if (secure.isPresent()) {
      // so that a later ZooKeeper (or client) in this JVM does not inherit this one's TLS settings
      SECURE_KEYS.forEach(k -> System.clearProperty("zookeeper." + k));
    }
    LOG.info("ZooKeeper on {}:{} stopped", address.getHostString(), address.getPort());
  }

  /** The connect string clients use. */
  public String connectString() {
    return address.getHostString() + ":" + address.getPort();
  }
}
