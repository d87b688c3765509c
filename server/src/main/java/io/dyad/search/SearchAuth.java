package io.dyad.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dyad.common.access.ClusterSecret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Seals and opens search datagrams. In a cluster with a secret, every question and answer carries the time it was
 * sent ({@code "t"}, ms) and {@code "sig"}: HMAC-SHA256 under the cluster secret (purpose "search") of its compact
 * JSON without the signature. A datagram unsigned, signed under another secret, altered, or older (or newer) than
 * {@link #VALIDITY} is dropped, so a stranger on the segment can neither answer for a member nor replay what it
 * heard; an answer must also carry the random request id of a question still waiting. Without a secret, datagrams go
 * unsigned (a cluster without access control).
 */
public final class SearchAuth {
  public static final Duration VALIDITY = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Optional<ClusterSecret> secret;
  private final Clock clock;

  public SearchAuth(Optional<ClusterSecret> secret, Clock clock) {
    this.secret = secret;
    this.clock = clock;
  }

  /** Unsigned datagrams, accepted unsigned: a cluster without a secret. */
  public static SearchAuth none() {
    return new SearchAuth(Optional.empty(), Clock.systemUTC());
  }

  public boolean signs() {
    return secret.isPresent();
  }

  /** The datagram to send for an unsigned message of {@link SearchMessages}. */
  public byte[] seal(byte[] message) {
    if (secret.isEmpty()) {
      return message;
    }
    ObjectNode n = (ObjectNode) SearchMessages.parse(message, message.length)
        .orElseThrow(() -> new IllegalArgumentException("not a search message"));
    n.remove("sig");
    n.put("t", clock.millis());
    n.put("sig", signature(n));
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The message in a received datagram, if it is one and (with a secret) signed, intact and fresh. */
  public Optional<JsonNode> open(byte[] data, int length) {
    Optional<JsonNode> parsed = SearchMessages.parse(data, length);
    if (parsed.isEmpty() || secret.isEmpty()) {
      return parsed;
    }
    JsonNode n = parsed.get();
    if (!n.path("sig").isTextual() || !n.path("t").canConvertToLong()
        || Math.abs(clock.millis() - n.path("t").asLong()) > VALIDITY.toMillis()) {
      return Optional.empty();
    }
    ObjectNode unsigned = ((ObjectNode) n).deepCopy();
    byte[] claimed;
    try {
      claimed = HexFormat.of().parseHex(unsigned.remove("sig").asText());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(unsigned);
    } catch (IOException e) {
      return Optional.empty();
    }
    return secret.orElseThrow().verify("search", body, claimed) ? parsed : Optional.empty();
  }

  private String signature(ObjectNode unsigned) {
    try {
      byte[] body = JSON.writeValueAsBytes(unsigned);
      return HexFormat.of().formatHex(secret.orElseThrow().sign("search", body));
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialize a search message", e);
    }
  }
}
