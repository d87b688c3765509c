package io.dyad.rpc.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.rpc.ThriftConnections;
import io.dyad.rpc.ThriftErrors;
import io.dyad.rpc.server.ThriftServerConfig;
import io.dyad.rpc.server.ThriftServerService;
import io.dyad.server.tls.DevCertificates;
import io.dyad.thrift.ObjectGateway;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;
import org.apache.thrift.TException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * TLS on Dyad's Thrift server and client, on real sockets: megabytes both ways through the non-blocking TLS layer,
 * and each way a handshake goes wrong — a plain peer on either side, another CA, an expired certificate, a
 * certificate for another address, no client certificate where one is required — failing with one line that says
 * which.
 */
class TlsLinkIT {
  private static final int MAX_CHUNK = 1 << 20;

  private final Map<Long, Long> receivedCrcs = new ConcurrentHashMap<>();
  private final List<ThriftServerService> servers = new ArrayList<>();
  private final ListAppender<ILoggingEvent> serverLog = new ListAppender<>();
  private final Logger log = (Logger) LoggerFactory.getLogger(ThriftServerService.class);
  private DevCertificates.Authority ca;
  private TestCertificates.Party server;
  private TestCertificates.Party client;

  @BeforeEach
  void certificates() throws Exception {
    ca = TestCertificates.authority("test CA");
    server = TestCertificates.valid(ca, "server", "127.0.0.1");
    client = TestCertificates.valid(ca, "client");
    serverLog.start();
    log.addAppender(serverLog);
  }

  @AfterEach
  void stop() {
    log.detachAppender(serverLog);
    servers.forEach(s -> s.stopAsync().awaitTerminated());
  }

  private HostAndPort start(Optional<Tls> tls) {
    ObjectGateway.Iface handler = (ObjectGateway.Iface) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {ObjectGateway.Iface.class}, (proxy, method, args) -> {
          switch (method.getName()) {
            case "ping":
              return null;
            case "putChunk": {
              ByteBuffer data = ((ByteBuffer) args[2]).duplicate();
              CRC32C crc = new CRC32C();
              crc.update(data);
              receivedCrcs.put((Long) args[1], crc.getValue());
              return null;
            }
            case "get":
              return ByteBuffer.wrap(pattern((Long) args[1], (Integer) args[2]));
            default:
              throw new UnsupportedOperationException(method.getName());
          }
        });
    ThriftServerService s = new ThriftServerService("tls-test", new ObjectGateway.Processor<>(handler),
        ThriftServerConfig.forChunks(new InetSocketAddress("127.0.0.1", 0), MAX_CHUNK).withWorkers(4).withTls(tls));
    s.startAsync().awaitRunning();
    servers.add(s);
    return HostAndPort.fromParts("127.0.0.1", s.boundAddress().getPort());
  }

  private static ObjectGateway.Client connect(HostAndPort target, Optional<Tls> tls) throws DyadException {
    return new ObjectGateway.Client(ThriftConnections.open(target, ThriftClientConfig.defaults().withTls(tls)));
  }

  private static byte[] pattern(long seed, int length) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static long crc(byte[] b) {
    CRC32C c = new CRC32C();
    c.update(b);
    return c.getValue();
  }

  @Test
  void megabytesCrossMutualTlsIntactBothWaysOnConcurrentConnections() throws Exception {
    HostAndPort target = start(Optional.of(TestCertificates.tls(server, ca, true)));
    Tls clientTls = TestCertificates.tls(client, ca, false);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          ObjectGateway.Client c = connect(target, Optional.of(clientTls));
          for (int i = 0; i < 8; i++) {
            long key = thread * 100L + i;
            int length = i % 2 == 0 ? MAX_CHUNK : 1 + new Random(key).nextInt(70_000);
            byte[] sent = pattern(key, length);
            c.putChunk("p", key, ByteBuffer.wrap(sent));
            assertThat(receivedCrcs.get(key)).isEqualTo(crc(sent));
            ByteBuffer reply = c.get(null, key, length, "");
            byte[] got = new byte[reply.remaining()];
            reply.get(got);
            assertThat(crc(got)).as("reply %s", key).isEqualTo(crc(pattern(key, length)));
          }
          c.getInputProtocol().getTransport().close();
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(receivedCrcs).hasSize(32);
  }

  @Test
  void aPlainClientOfATlsServerIsClosedAndTheServerSaysWhy() throws Exception {
    HostAndPort target = start(Optional.of(TestCertificates.tls(server, ca, false)));
    ObjectGateway.Client plain = connect(target, Optional.empty());
    assertThatThrownBy(plain::ping).isInstanceOf(TException.class)
        .hasMessageContaining("the server speaks TLS and this side does not");
    awaitServerLine("TLS handshake failed: the client does not speak TLS");
  }

  @Test
  void aTlsClientOfAPlainServerIsToldItMayNotSpeakTls() throws Exception {
    HostAndPort target = start(Optional.empty());
    assertThatThrownBy(() -> connect(target, Optional.of(TestCertificates.tls(client, ca, false))))
        .isInstanceOf(DyadException.class)
        .hasMessageContaining("the server closed the connection during the TLS handshake (it may not speak TLS");
  }

  @Test
  void aServerCertificateFromAnotherCaIsRefused() throws Exception {
    HostAndPort target = start(Optional.of(TestCertificates.tls(server, ca, false)));
    DevCertificates.Authority other = TestCertificates.authority("another CA");
    assertThatThrownBy(() -> connect(target, Optional.of(TestCertificates.tls(null, other, false))))
        .isInstanceOf(DyadException.class)
        .hasMessage("cannot connect to " + target + ": the server's certificate is not signed by a CA this side "
            + "trusts (check --tls-ca)");
  }

  @Test
  void anExpiredServerCertificateIsRefused() throws Exception {
    TestCertificates.Party stale = TestCertificates.expired(ca, "server", "127.0.0.1");
    HostAndPort target = start(Optional.of(TestCertificates.tls(stale, ca, false)));
    assertThatThrownBy(() -> connect(target, Optional.of(TestCertificates.tls(null, ca, false))))
        .isInstanceOf(DyadException.class)
        .hasMessageContaining("the server's certificate has expired");
  }

  @Test
  void aServerCertificateForAnotherAddressIsRefused() throws Exception {
    TestCertificates.Party elsewhere = TestCertificates.valid(ca, "server", "127.0.0.2");
    HostAndPort target = start(Optional.of(TestCertificates.tls(elsewhere, ca, false)));
    assertThatThrownBy(() -> connect(target, Optional.of(TestCertificates.tls(null, ca, false))))
        .isInstanceOf(DyadException.class)
        .hasMessageContaining("the server's certificate does not name the address it was reached at");
  }

  @Test
  void aClientWithoutACertificateIsRefusedByAServerThatRequiresOne() throws Exception {
    HostAndPort target = start(Optional.of(TestCertificates.tls(server, ca, true)));
    DyadException e = clientFailure(target, TestCertificates.tls(null, ca, false));
    assertThat(e).hasMessageContaining("the server requires a client certificate");
    awaitServerLine("the client presented no certificate, and this server requires one");
  }

  @Test
  void anExpiredClientCertificateIsRefusedByAServerThatRequiresOne() throws Exception {
    HostAndPort target = start(Optional.of(TestCertificates.tls(server, ca, true)));
    TestCertificates.Party stale = TestCertificates.expired(ca, "client");
    clientFailure(target, TestCertificates.tls(stale, ca, false));
    awaitServerLine("TLS handshake failed: the client's certificate has expired");
  }

  /**
   * In TLS 1.3 the client's side of the handshake ends before the server has checked the client's certificate: the
   * refusal arrives with the first reply. Either way the caller gets one line.
   */
  private static DyadException clientFailure(HostAndPort target, Tls tls) {
    try {
      ObjectGateway.Client c = connect(target, Optional.of(tls));
      c.ping();
    } catch (DyadException e) {
      return e;
    } catch (TException e) {
      return ThriftErrors.fromThrift(target, e);
    }
    throw new AssertionError("the server accepted the client");
  }

  private void awaitServerLine(String text) {
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(serverLog.list)
        .anyMatch(e -> e.getFormattedMessage().contains(text)));
  }
}
