package io.dyad.rpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.common.base.Ticker;
import com.google.common.net.HostAndPort;
import com.google.common.testing.FakeTicker;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.rpc.ThriftConnections;
import io.dyad.thrift.ObjectGateway;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.transport.TMemoryBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The server against clients that are careless or hostile, on real sockets: a service whose {@code ping} answers,
 * whose {@code putChunk} accepts any chunk, and whose other calls fail.
 */
class ThriftServerIT {
  private static final int MAX_CHUNK = 1 << 20;

  private final AtomicInteger closedConnections = new AtomicInteger();
  private final List<Socket> sockets = new ArrayList<>();
  private ThriftServerService server;

  private HostAndPort start(ThriftServerConfig config) {
    return start(config, Ticker.systemTicker());
  }

  private HostAndPort start(ThriftServerConfig config, Ticker ticker) {
    ObjectGateway.Iface handler = (ObjectGateway.Iface) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {ObjectGateway.Iface.class}, (proxy, method, args) -> {
          switch (method.getName()) {
            case "ping":
              CallContext.current().orElseThrow().onClose(closedConnections::incrementAndGet);
              return null;
            case "putChunk":
              return null;
            default:
              throw new UnsupportedOperationException(method.getName());
          }
        });
    server = new ThriftServerService("test", new ObjectGateway.Processor<>(handler), config, ticker);
    server.startAsync().awaitRunning();
    InetSocketAddress a = server.boundAddress();
    return HostAndPort.fromParts(a.getAddress().getHostAddress(), a.getPort());
  }

  private static ThriftServerConfig config() {
    return ThriftServerConfig.forChunks(new InetSocketAddress("127.0.0.1", 0), MAX_CHUNK).withWorkers(4);
  }

  private static ObjectGateway.Client client(HostAndPort target) throws Exception {
    return new ObjectGateway.Client(ThriftConnections.open(target, ThriftClientConfig.defaults()));
  }

  private Socket socket(HostAndPort target) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(target.getHost(), target.getPort()), 5000);
    sockets.add(s);
    return s;
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    if (server != null) {
      server.stopAsync().awaitTerminated();
    }
  }

  @Test
  void farMoreConnectionsThanWorkersAreServed() throws Exception {
    HostAndPort target = start(config());
    List<ObjectGateway.Client> clients = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      ObjectGateway.Client c = client(target);
      c.ping();
      clients.add(c);
    }
    assertThat(server.openConnections()).isEqualTo(300);
    for (ObjectGateway.Client c : clients) {
      c.ping();
      c.getInputProtocol().getTransport().close();
    }
    // each connection asked to be told of its close twice (once per ping)
    await().atMost(Duration.ofSeconds(10)).until(() -> closedConnections.get() == 2 * 300);
  }

  @Test
  void framesAreBufferedAsTheirBytesArriveNotAsAnnounced() throws Exception {
    HostAndPort target = start(config());
    for (int i = 0; i < 200; i++) {
      new DataOutputStream(socket(target).getOutputStream()).writeInt(MAX_CHUNK); // a header and nothing more
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 200);
    // bytes held for frames whose bodies never came: none (a glimpse while a header is being read is allowed)
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> server.bufferedRequestBytes() == 0);
    ObjectGateway.Client c = client(target);
    c.ping();
    c.getInputProtocol().getTransport().close();
  }

  @Test
  void aFrameThatTricklesInOrAConnectionLeftIdleIsClosedAfterItsTimeout() throws Exception {
    FakeTicker ticker = new FakeTicker();
    // far longer than the socket reads below wait: only the ticker can make them pass in time
    HostAndPort target = start(config().withTimeouts(Duration.ofMinutes(2), Duration.ofMinutes(1),
        Duration.ofMinutes(5)), ticker);
    Socket trickler = socket(target);
    OutputStream out = trickler.getOutputStream();
    out.write(new byte[] {0, 0, 0, 50, 1});
    Socket idle = socket(target);
    await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 2);
    await().atMost(Duration.ofSeconds(10)).until(() -> server.bufferedRequestBytes() > 0); // the frame has begun

    ticker.advance(Duration.ofMinutes(1)); // the frame timeout, not more: checks run every 250 ms and close nothing
    await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 2);
    ticker.advance(Duration.ofMillis(1));
    assertThat(readsEndOfStream(trickler)).as("the trickling frame is cut off").isTrue();
    idle.setSoTimeout(300);
    assertThatThrownBy(() -> idle.getInputStream().read()).as("the idle connection is within its timeout: open")
        .isInstanceOf(java.net.SocketTimeoutException.class);
    idle.setSoTimeout(10_000);
    ticker.advance(Duration.ofMinutes(1));
    assertThat(readsEndOfStream(idle)).as("the idle connection is closed").isTrue();
  }

  @Test
  void concurrentFramesOverTheBudgetWaitTheirTurnInsteadOfFailing() throws Exception {
    ThriftServerConfig tight = config();
    HostAndPort target = start(tight.withRequestBudget(2L * tight.maxFrameBytes()));
    ExecutorService pool = Executors.newFixedThreadPool(10);
    List<Future<?>> sends = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sends.add(pool.submit(() -> {
        ObjectGateway.Client c = client(target);
        try {
          for (int k = 0; k < 3; k++) {
            c.putChunk("p", 0, ByteBuffer.wrap(new byte[MAX_CHUNK]));
          }
        } finally {
          c.getInputProtocol().getTransport().close();
        }
        return null;
      }));
    }
    for (Future<?> f : sends) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    // a frame's bytes go back just after its reply is written, which may be a moment after the client read it
    await().atMost(Duration.ofSeconds(5)).until(() -> server.bufferedRequestBytes() == 0);
  }

  @Test
  void aStructNestedFarTooDeepGetsAProtocolErrorAndTheConnectionStaysUsable() throws Exception {
    HostAndPort target = start(config());
    TMemoryBuffer body = new TMemoryBuffer(1 << 20);
    TBinaryProtocol p = new TBinaryProtocol(body, true, true);
    p.writeMessageBegin(new TMessage("ping", TMessageType.CALL, 7));
    p.writeStructBegin(new TStruct("ping_args"));
    for (int depth = 0; depth < 100_000; depth++) {
      p.writeFieldBegin(new TField("x", TType.STRUCT, (short) 99));
    }
    for (int depth = 0; depth < 100_000; depth++) {
      p.writeFieldStop();
    }
    p.writeFieldStop();
    p.writeMessageEnd();
    Socket s = socket(target);
    DataOutputStream out = new DataOutputStream(s.getOutputStream());
    out.writeInt(body.length());
    out.write(body.getArray(), 0, body.length());
    out.flush();
    java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
    byte[] frame = new byte[in.readInt()];
    in.readFully(frame);
    TBinaryProtocol reply = new TBinaryProtocol(new org.apache.thrift.transport.TMemoryInputTransport(frame), true, true);
    TMessage m = reply.readMessageBegin();
    assertThat(m.type).isEqualTo(TMessageType.EXCEPTION);
    assertThat(m.seqid).isEqualTo(7);
    TApplicationException x = TApplicationException.readFrom(reply);
    assertThat(x.getType()).isEqualTo(TApplicationException.PROTOCOL_ERROR);
    ObjectGateway.Client c = client(target);
    c.ping();
    c.getInputProtocol().getTransport().close();
  }

  @Test
  void aPeerSpeakingAnotherProtocolIsClosedWithALogLineNamingIt() throws Exception {
    Logger log = (Logger) LoggerFactory.getLogger(ThriftServerService.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    log.addAppender(lines);
    try {
      HostAndPort target = start(config());
      Socket http = socket(target);
      http.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(readsEndOfStream(http)).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> lines.list.stream()
          .anyMatch(e -> e.getFormattedMessage().contains("it looks like HTTP")));
      assertThatThrownBy(() -> {
        Socket unframed = socket(target);
        TBinaryProtocol p = new TBinaryProtocol(new org.apache.thrift.transport.TIOStreamTransport(
            unframed.getOutputStream()), true, true);
        p.writeMessageBegin(new TMessage("ping", TMessageType.CALL, 1));
        p.getTransport().flush();
        if (readsEndOfStream(unframed)) {
          throw new IOException("closed");
        }
      }).as("closed, whether seen at a write (the server may close after the first bytes) or at the read")
          .isInstanceOfAny(IOException.class, org.apache.thrift.transport.TTransportException.class);
      await().atMost(Duration.ofSeconds(5)).until(() -> lines.list.stream()
          .anyMatch(e -> e.getFormattedMessage().contains("unframed binary Thrift")));
    } finally {
      log.detachAppender(lines);
    }
  }

  private static ObjectGateway.Client clientFrom(HostAndPort target, String localHost, Duration timeout)
      throws Exception {
    return new ObjectGateway.Client(ThriftConnections.open(target, ThriftClientConfig.defaults()
        .withLocalHost(localHost).withRequestTimeout(timeout)));
  }

  private Socket socketFrom(HostAndPort target, String localHost) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(localHost, 0));
    s.connect(new InetSocketAddress(target.getHost(), target.getPort()), 5000);
    sockets.add(s);
    return s;
  }

  private List<Socket> idleFrom(HostAndPort target, String localHost, int n) throws IOException {
    List<Socket> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int expected = server.openConnections() + 1;
      out.add(socketFrom(target, localHost));
      await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() >= expected); // accepted in order
    }
    return out;
  }

  @Test
  void atTheConnectionCapANewAddressTakesTheSlotOfTheLongestIdleConnectionOfTheBiggestAddress() throws Exception {
    HostAndPort target = start(config().withMaxConnections(32, 16));
    List<Socket> biggest = idleFrom(target, "127.0.0.5", 16);
    List<Socket> second = idleFrom(target, "127.0.0.6", 14);
    idleFrom(target, "127.0.0.7", 2);
    assertThat(server.openConnections()).isEqualTo(32);
    ObjectGateway.Client newcomer = clientFrom(target, "127.0.0.8", Duration.ofSeconds(10));
    newcomer.ping();
    assertThat(readsEndOfStream(biggest.get(0))).as("the longest-idle connection of the biggest address").isTrue();
    assertThat(server.openConnections()).isEqualTo(32);
    assertThat(server.counters().evictedConnections()).isEqualTo(1);
    second.get(0).setSoTimeout(300);
    assertThatThrownBy(() -> second.get(0).getInputStream().read()).as("others stay open")
        .isInstanceOf(java.net.SocketTimeoutException.class);
    newcomer.getInputProtocol().getTransport().close();
  }

  @Test
  void underPressureIdleConnectionsAreClosedAfterTheShorterIdleTimeout() throws Exception {
    HostAndPort target = start(config().withMaxConnections(8, 8).withPressureTimeouts(Duration.ofSeconds(1),
        Duration.ofSeconds(2)));
    List<Socket> first = idleFrom(target, "127.0.0.5", 3);
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 3);
    for (int i = 0; i < 3; i++) {
      socketFrom(target, "127.0.0.5"); // three quarters of the cap
    }
    assertThat(readsEndOfStream(first.get(0))).as("an idle connection is closed long before 5 minutes").isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() <= 3);
  }

  @Test
  void oneAddressStallingFramesLeavesRoomForAnotherAddressRequests() throws Exception {
    ThriftServerConfig c = config().withPressureTimeouts(Duration.ofSeconds(15), Duration.ofSeconds(60))
        .withTimeouts(Duration.ofMinutes(5), Duration.ofSeconds(60), Duration.ofSeconds(60));
    HostAndPort target = start(c.withRequestBudget(4L * c.maxFrameBytes()));
    for (int i = 0; i < 8; i++) {
      stallFrame(socketFrom(target, "127.0.0.5"), c.maxFrameBytes());
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> server.bufferedRequestBytes() >= 3L * c.maxFrameBytes());
    // neither the stall timeout nor the frame timeout (60 s) has passed: the room kept for other addresses serves it
    ObjectGateway.Client other = clientFrom(target, "127.0.0.1", Duration.ofSeconds(20));
    other.putChunk("p", 0, ByteBuffer.wrap(new byte[MAX_CHUNK]));
    other.getInputProtocol().getTransport().close();
  }

  @Test
  void aFrameThatStallsWhileOthersWaitForMemoryIsClosedLongBeforeTheFrameTimeout() throws Exception {
    ThriftServerConfig c = config().withPressureTimeouts(Duration.ofSeconds(15), Duration.ofSeconds(1))
        .withTimeouts(Duration.ofMinutes(5), Duration.ofSeconds(60), Duration.ofSeconds(60));
    HostAndPort target = start(c.withRequestBudget(2L * c.maxFrameBytes()));
    List<Socket> stalled = new ArrayList<>();
    for (String from : List.of("127.0.0.5", "127.0.0.6", "127.0.0.7")) {
      Socket s = socketFrom(target, from);
      stallFrame(s, c.maxFrameBytes());
      stalled.add(s);
      // one frame at a time: were two read side by side, each address would hold part of a frame when the budget ran
      // out, and neither would be the new address the share is kept for
      long frames = stalled.size();
      await().atMost(Duration.ofSeconds(10))
          .until(() -> server.bufferedRequestBytes() >= frames * (c.maxFrameBytes() - 1));
    }
    // all three frames buffered (the third in the share kept for a new address): the budget and its headroom are full
    // of frames that will not finish, and the frame timeout is 60 s
    ObjectGateway.Client waiting = clientFrom(target, "127.0.0.1", Duration.ofSeconds(20));
    waiting.ping();
    waiting.getInputProtocol().getTransport().close();
    assertThat(server.counters().stalledFrames()).isPositive();
    assertThat(server.counters().memoryWaits()).isPositive();
  }

  /**
   * Connections made while the server stops, again and again: every one the server accepted is closed by the time it
   * has stopped (a client sees its end at once), none left open and unanswered until its client's timeout, as one
   * that the acceptor handed to a loop that had already stopped used to be.
   */
  @Test
  void everyConnectionAcceptedWhileTheServerStopsIsClosed() throws Exception {
    ExecutorService dialers = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 25; round++) {
        HostAndPort target = start(config());
        List<Socket> made = Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> dialing = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          dialing.add(dialers.submit(() -> {
            while (true) {
              Socket s = new Socket();
              try {
                s.connect(new InetSocketAddress(target.getHost(), target.getPort()), 5000);
              } catch (IOException refused) {
                s.close();
                return null; // the listener is closed
              }
              try {
                // the first byte of a request: a connection the kernel completed but the server never took (its
                // accept queue full, then closed) is reset by it, as for any client that sends
                s.getOutputStream().write(0);
              } catch (IOException reset) {
                s.close();
                continue;
              }
              made.add(s);
            }
          }));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> made.size() >= 20);
        server.stopAsync().awaitTerminated();
        server = null;
        for (Future<?> f : dialing) {
          f.get(30, TimeUnit.SECONDS);
        }
        synchronized (made) {
          for (Socket s : made) {
            s.setSoTimeout(5_000);
            assertThat(readsEndOfStream(s)).as("round " + round + ": a connection accepted while stopping is closed ("
                + s.getLocalPort() + " to " + s.getPort() + ")")
                .isTrue();
            s.close();
          }
        }
      }
    } finally {
      dialers.shutdownNow();
    }
  }

  /** Sends all of a frame of {@code size} bytes but its last byte, from another thread (the server may not read it). */
  private static void stallFrame(Socket s, int size) {
    Thread t = new Thread(() -> {
      try {
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.writeInt(size);
        out.write(new byte[size - 1]);
        out.flush();
      } catch (IOException closed) {
        // the server cut it off
      }
    }, "stalled-frame");
    t.setDaemon(true);
    t.start();
  }

  private static boolean readsEndOfStream(Socket s) throws IOException {
    if (s.getSoTimeout() == 0) {
      s.setSoTimeout(10_000);
    }
    InputStream in = s.getInputStream();
    try {
      return in.read() == -1;
    } catch (java.net.SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }
}
