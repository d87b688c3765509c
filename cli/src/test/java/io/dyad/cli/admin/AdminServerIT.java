package io.dyad.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admin port's HTTP server alone, with small limits, over real sockets: it answers what the JDK's server
 * answered (the pages, 404, 405, HEAD, keep-alive), and it bounds what clients hold — connections per address and in
 * all, the time a request may take to arrive (a trickling client is closed, not only an idle one), the size of its
 * headers.
 */
class AdminServerIT {
  private final List<Socket> sockets = new ArrayList<>();
  private AdminServer server;

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    if (server != null) {
      server.stopAsync().awaitTerminated();
    }
  }

  private InetSocketAddress start(AdminLimits limits) {
    HealthCheckRegistry health = new HealthCheckRegistry();
    health.register("always", new HealthCheck() {
      @Override
      protected Result check() {
        return Result.healthy();
      }
    });
    MetricRegistry metrics = new MetricRegistry();
    metrics.counter("test.requests").inc(3);
    server = new AdminServer(new InetSocketAddress("127.0.0.1", 0), "test t1", metrics, health,
        () -> Map.of("member", "t1"), limits);
    server.startAsync().awaitRunning();
    return server.address();
  }

  private Socket connect(InetSocketAddress server, String from) throws IOException {
    Socket s = new Socket();
    sockets.add(s);
    s.bind(new InetSocketAddress(from, 0));
    s.connect(server, 5000);
    s.setSoTimeout(10_000);
    return s;
  }

  /** One answer as text (head and body), read by its Content-Length (no body after a HEAD). */
  private static String answer(Socket s, boolean toHead) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after " + head);
      }
      head.write(b);
    }
    String h = head.toString(StandardCharsets.US_ASCII);
    int length = 0;
    for (String line : h.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    return h + (toHead ? "" : new String(in.readNBytes(length), StandardCharsets.UTF_8));
  }

  private static String request(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return answer(s, text.startsWith("HEAD "));
  }

  private static String get(Socket s, String path) throws IOException {
    return request(s, "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
  }

  /** Whether the server closed the connection (it reads the end of the stream or a reset). */
  private static boolean closedByServer(Socket s) {
    try {
      s.setSoTimeout(200);
      return s.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  @Test
  void itServesThePagesAsBefore() throws Exception {
    InetSocketAddress at = start(AdminLimits.defaults());
    Socket s = connect(at, "127.0.0.1");
    String metrics = get(s, "/metrics");
    assertThat(metrics).startsWith("HTTP/1.1 200").contains("text/plain; version=0.0.4", "test_requests_total 3.0");
    String health = get(s, "/health?verbose=1");
    assertThat(health).as("the same connection, kept alive").startsWith("HTTP/1.1 200")
        .contains("application/json", "\"healthy\" : true", "\"daemon\" : \"test t1\"");
    assertThat(get(s, "/status")).startsWith("HTTP/1.1 200").contains("\"member\" : \"t1\"");
    assertThat(get(s, "/nothing")).startsWith("HTTP/1.1 404").contains("try /metrics, /health or /status");
    assertThat(request(s, "POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"))
        .startsWith("HTTP/1.1 405").contains("only GET");
    String head = request(s, "HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(head).startsWith("HTTP/1.1 200").endsWith("\r\n\r\n");
    assertThat(get(s, "/health")).as("in step after the HEAD").startsWith("HTTP/1.1 200");
  }

  @Test
  void oneAddressCannotTakeAllConnectionsAndNoneGetMoreThanTheCap() throws Exception {
    InetSocketAddress at = start(new AdminLimits(4, 2, Duration.ofSeconds(60), Duration.ofSeconds(10), 1024, 1024));
    connect(at, "127.0.0.1");
    connect(at, "127.0.0.1");
    Socket third = connect(at, "127.0.0.1");
    await().atMost(Duration.ofSeconds(10)).until(() -> closedByServer(third));
    assertThat(get(connect(at, "127.0.0.2"), "/health")).as("another address is still served")
        .startsWith("HTTP/1.1 200");
    connect(at, "127.0.0.2");
    Socket fifth = connect(at, "127.0.0.3");
    await().atMost(Duration.ofSeconds(10)).until(() -> closedByServer(fifth));
  }

  @Test
  void aRequestThatTricklesIsClosedAtItsDeadlineAndOversizeHeadersAreRefused() throws Exception {
    InetSocketAddress at = start(new AdminLimits(16, 8, Duration.ofSeconds(1), Duration.ofSeconds(10), 1024, 1024));
    Socket trickler = connect(at, "127.0.0.1");
    OutputStream out = trickler.getOutputStream();
    out.write("GET /health HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
    // a byte every 100 ms: never idle, never finished
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      try {
        out.write('a');
        out.flush();
      } catch (IOException e) {
        return true;
      }
      return closedByServer(trickler);
    });
    Socket big = connect(at, "127.0.0.1");
    assertThat(request(big, "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(4096) + "\r\n\r\n"))
        .startsWith("HTTP/1.1 431");
    await().atMost(Duration.ofSeconds(10)).until(() -> closedByServer(big));
    assertThat(request(connect(at, "127.0.0.1"),
        "POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")).startsWith("HTTP/1.1 413");
    assertThat(get(connect(at, "127.0.0.1"), "/health")).startsWith("HTTP/1.1 200");
  }
}
