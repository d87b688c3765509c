package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.net.HostAndPort;
import io.dyad.common.ObjectId;
import io.dyad.rpc.StorageNodeClient;
import io.dyad.rpc.ThriftClientConfig;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storage node's admin port, as Prometheus and a load balancer see it: /metrics parses as the Prometheus text
 * format and its counters move with traffic; /health is 200, turns 503 naming the data directory when that directory
 * cannot be written, and 200 again once it can; /status is JSON.
 */
class AdminPortIT {
  /** A sample line of the Prometheus text format: name, optional labels, value. */
  private static final Pattern SAMPLE = Pattern.compile(
      "^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? ([-+]?[0-9.eE+-]+|NaN|[+-]Inf)$");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path tmp;

  private static HttpResponse<String> get(String base, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The body of a GET, whatever its status. */
  static String httpGet(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Every sample of a scrape by name (with labels); fails on any line that is not the text format. */
  private static Map<String, Double> scrape(String base) throws Exception {
    HttpResponse<String> r = get(base, "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
    Map<String, Double> samples = new HashMap<>();
    for (String line : r.body().split("\n")) {
      if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.matches()).as("a line of the Prometheus text format: " + line).isTrue();
      samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
    }
    return samples;
  }

  @Test
  void metricsHealthAndStatusOfAStorageNode() throws Exception {
    Path data = tmp.resolve("data");
    int admin = FreePorts.freeOnAll("127.0.0.1");
    try (DyadProcess node = DyadProcess.start(tmp.resolve("logs"), Map.of(), "node", "--id", "a1", "--data",
        data.toString(), "--listen", "127.0.1.21:0", "--standalone", "--admin-listen", "127.0.0.1:" + admin)) {
      String address = node.awaitOutput("listening on (\\S+:\\d+)", Duration.ofSeconds(60));
      String base = "http://127.0.0.1:" + admin;

      Map<String, Double> before = scrape(base);
      assertThat(before).containsKeys("disk_usable_bytes", "store_sessions_open");
      assertThat(before.getOrDefault("storage_bytes_in_total", 0.0)).isZero();
      try (StorageNodeClient c = StorageNodeClient.connect(HostAndPort.fromString(address),
          ThriftClientConfig.defaults())) {
        c.put(ObjectId.of("metered"), Streams.generated(1, 3_000_000), 3_000_000);
      }
      Map<String, Double> after = scrape(base);
      assertThat(after.get("storage_bytes_in_total")).as("bytes in moved with the put").isEqualTo(3_000_000.0);
      assertThat(after.keySet()).anyMatch(k -> k.startsWith("storage_rpc_commitWrite"));

      HttpResponse<String> healthy = get(base, "/health");
      assertThat(healthy.statusCode()).as(healthy.body()).isEqualTo(200);
      JsonNode h = new ObjectMapper().readTree(healthy.body());
      assertThat(h.get("healthy").asBoolean()).isTrue();
      assertThat(h.get("checks").has("data-directory")).isTrue();

      Unwritable.make(data);
      try {
        HttpResponse<String> sick = get(base, "/health");
        assertThat(sick.statusCode()).as(sick.body()).isEqualTo(503);
        assertThat(new ObjectMapper().readTree(sick.body()).get("failing").asText()).isEqualTo("data-directory");
      } finally {
        Unwritable.undo(data);
      }
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> get(base, "/health").statusCode() == 200);

      JsonNode status = new ObjectMapper().readTree(get(base, "/status").body());
      assertThat(status.get("daemon").asText()).isEqualTo("node a1");
      assertThat(status.get("store").get("openSessions").asInt()).isZero();
      // a one-minute rate moves on the meters' 5-second ticks
      Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> new ObjectMapper().readTree(get(base, "/status")
          .body()).get("rates").get("callsPerSecond").asDouble() > 0);
      assertThat(get(base, "/nothing").statusCode()).isEqualTo(404);
      assertThat(node.terminate(Duration.ofSeconds(30))).isEqualTo(143);
    }
  }

  /**
   * Clients that open connections and never finish their request headers — the attack that kept the JDK server's
   * /health unanswered for minutes — hold no thread: /health answers every poll meanwhile, and the server closes
   * those connections at their request deadline, tricklers included.
   */
  @Test
  void healthAnswersWhileClientsHoldUnfinishedHeaders() throws Exception {
    int admin = FreePorts.freeOnAll("127.0.0.1");
    try (DyadProcess node = DyadProcess.start(tmp.resolve("logs"), Map.of(), "node", "--id", "a1", "--data",
        tmp.resolve("data").toString(), "--listen", "127.0.1.22:0", "--standalone", "--admin-listen",
        "127.0.0.1:" + admin)) {
      node.awaitOutput("listening on (\\S+:\\d+)", Duration.ofSeconds(60));
      String base = "http://127.0.0.1:" + admin;
      List<Socket> slow = new ArrayList<>();
      try {
        for (int i = 0; i < 12; i++) { // under the 16 one address may hold, beside the poller's connection
          Socket s = new Socket("127.0.0.1", admin);
          s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nX-Unfinished: ".getBytes(
              StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          slow.add(s);
        }
        long[] worstNanos = {0};
        List<String> failed = new ArrayList<>();
        int[] polls = {0};
        // poll for 15 s, past the server's 10 s request deadline, two of the clients trickling a byte per poll
        Awaitility.await().during(Duration.ofSeconds(15)).atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(200)).until(() -> {
              for (int i = 0; i < 2; i++) {
                try {
                  slow.get(i).getOutputStream().write('a');
                } catch (IOException closed) {
                  // closed by the server at its deadline: what it should do
                }
              }
              long start = System.nanoTime();
              try {
                HttpResponse<String> r = get(base, "/health");
                if (r.statusCode() != 200) {
                  failed.add(r.statusCode() + " " + r.body());
                }
              } catch (IOException e) {
                failed.add(e.toString());
              }
              worstNanos[0] = Math.max(worstNanos[0], System.nanoTime() - start);
              polls[0]++;
              return true;
            });
        assertThat(failed).as("every /health poll answered 200").isEmpty();
        System.out.printf("admin port: %d /health polls while 12 clients held unfinished headers, worst %.1f ms%n",
            polls[0], worstNanos[0] / 1e6);
        for (Socket s : slow) {
          Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> closedByServer(s));
        }
      } finally {
        for (Socket s : slow) {
          s.close();
        }
      }
      assertThat(node.terminate(Duration.ofSeconds(30))).isEqualTo(143);
    }
  }

  /** Whether the server closed the connection (end of stream, or a reset). */
  private static boolean closedByServer(Socket s) {
    try {
      s.setSoTimeout(200);
      return s.getInputStream().read() < 0;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  /** Makes a directory unwritable even for root (which ignores permission bits): the immutable attribute. */
  static final class Unwritable {
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    static void make(Path dir) throws IOException, InterruptedException {
      if (ROOT) {
        run("chattr", "+i", dir.toString());
      } else {
        java.nio.file.Files.setPosixFilePermissions(dir, Set.of(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE));
      }
    }

    static void undo(Path dir) throws IOException, InterruptedException {
      if (ROOT) {
        run("chattr", "-i", dir.toString());
      } else {
        java.nio.file.Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString(
            "rwx------"));
      }
    }

    private static void run(String... command) throws IOException, InterruptedException {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    }
  }
}
