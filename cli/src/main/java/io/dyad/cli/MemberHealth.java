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
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What {@code dyad status} shows in its HEALTH column: each member's {@code /health}, asked on its declared admin
 * address, all at once, a second at most. Members without an admin address are left out.
 */
final class MemberHealth {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final ObjectMapper JSON = new ObjectMapper();

  private MemberHealth() {}

  /** By member id: "ok", "FAILING: check, check", or why it could not be asked. */
  static Map<String, String> of(ClusterSnapshot s) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    Map<String, CompletableFuture<String>> asked = new LinkedHashMap<>();
    for (MemberInfo m : s.members().values()) {
      if (m.adminAddress() == null || m.adminAddress().isBlank()) {
        continue;
      }
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + m.adminAddress() + "/health"))
          .timeout(TIMEOUT).build();
      asked.put(m.id(), http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .thenApply(MemberHealth::describe)
          .exceptionally(e -> "unreachable (" + m.adminAddress() + ")"));
    }
    Map<String, String> out = new LinkedHashMap<>();
    asked.forEach((id, f) -> out.put(id, f.join()));
    return out;
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
}
