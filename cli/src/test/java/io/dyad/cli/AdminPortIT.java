package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.net.HostAndPort;
import io.dyad.common.ObjectId;
import io.dyad.rpc.StorageNodeClient;
import io.dyad.rpc.ThriftClientConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
