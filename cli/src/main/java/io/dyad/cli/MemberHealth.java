package io.dyad.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What {@code dyad status} shows in its HEALTH and RATES columns: each member's {@code /health} and the rates in its
 * {@code /status}, asked on its declared admin address, all at once, a second at most. Members without an admin
 * address are left out.
 */
final class MemberHealth {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One member as its admin port describes it. */
  record Seen(String health, String rates) {}

  private MemberHealth() {}

  /** By member id. */
  static Map<String, Seen> of(ClusterSnapshot s) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    Map<String, CompletableFuture<String>> health = new LinkedHashMap<>();
    Map<String, CompletableFuture<String>> rates = new LinkedHashMap<>();
    for (MemberInfo m : s.members().values()) {
      if (m.adminAddress() == null || m.adminAddress().isBlank()) {
        continue;
      }
      health.put(m.id(), get(http, m.adminAddress(), "/health").thenApply(MemberHealth::describe)
          .exceptionally(e -> "unreachable (" + m.adminAddress() + ")"));
      rates.put(m.id(), get(http, m.adminAddress(), "/status").thenApply(MemberHealth::rates)
          .exceptionally(e -> "-"));
    }
    Map<String, Seen> out = new LinkedHashMap<>();
    health.forEach((id, f) -> out.put(id, new Seen(f.join(), rates.get(id).join())));
    return out;
  }

  private static CompletableFuture<HttpResponse<String>> get(HttpClient http, String address, String path) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create("http://" + address + path)).timeout(TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String describe(HttpResponse<String> r) {
    if (r.statusCode() == 200) {
      return "ok";
    }
    try {
      JsonNode body = JSON.readTree(r.body());
      return "FAILING: " + body.path("failing").asText("?");
    } catch (java.io.IOException e) {
      return "HTTP " + r.statusCode();
    }
  }

  /** "12.0 calls/s, in 1.2 MB/s, out 0.3 MB/s" over the last minute, from /status. */
  private static String rates(HttpResponse<String> r) {
    try {
      JsonNode rates = JSON.readTree(r.body()).path("rates");
      if (rates.isMissingNode()) {
        return "-";
      }
      return String.format(Locale.ROOT, "%.1f calls/s, in %.1f MB/s, out %.1f MB/s",
          rates.path("callsPerSecond").asDouble(), rates.path("bytesInPerSecond").asDouble() / 1e6,
          rates.path("bytesOutPerSecond").asDouble() / 1e6);
    } catch (java.io.IOException e) {
      return "-";
    }
  }
}
