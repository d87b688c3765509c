package io.dyad.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dyad.common.Presence;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The datagrams of multicast search, UTF-8 JSON (small enough for one datagram):
 *
 * <pre>
 *   question (DOSM to a center's group):  {"v":1,"q":"&lt;request id&gt;","id":"&lt;object id&gt;","reply":"HOST:PORT"}
 *   answer (holder to "reply", unicast):  {"v":1,"q":"&lt;request id&gt;","member":"a1","state":"PRESENT"|"DELETED"}
 * </pre>
 *
 * Only members that hold the object or a tombstone for it answer. Directory servers answer questions for volumes
 * (claims 27-30) on the same groups; each side ignores the other's questions, which lack the field it needs:
 *
 * <pre>
 *   question (DDM to a center's group):   {"v":1,"q":"&lt;request id&gt;","volume":"docs","reply":"HOST:PORT"}
 *   answer (holder to "reply", unicast):  {"v":1,"q":"&lt;request id&gt;","member":"da1","address":"HOST:PORT","lastSeq":42}
 * </pre>
 *
 * Malformed datagrams decode to empty. In a cluster with a secret every datagram is also signed and timed
 * ({@link SearchAuth}).
 */
public final class SearchMessages {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SearchMessages() {}

  public record Question(String requestId, String objectId, String replyTo) {}

  public record Answer(String requestId, String member, Presence state) {}

  /** "Who holds volume V?" */
  public record VolumeQuestion(String requestId, String volume, String replyTo) {}

  /** "I do": the directory server, its service address and its last change of the volume. */
  public record VolumeAnswer(String requestId, String member, String address, long lastSeq) {}

  public static byte[] encode(VolumeQuestion q) {
    ObjectNode n = JSON.createObjectNode().put("v", 1).put("q", q.requestId()).put("volume", q.volume())
        .put("reply", q.replyTo());
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] encode(VolumeAnswer a) {
    ObjectNode n = JSON.createObjectNode().put("v", 1).put("q", a.requestId()).put("member", a.member())
        .put("address", a.address()).put("lastSeq", a.lastSeq());
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }

  public static Optional<VolumeQuestion> volumeQuestion(byte[] data, int length) {
    return parse(data, length).flatMap(SearchMessages::volumeQuestion);
  }

  public static Optional<VolumeQuestion> volumeQuestion(JsonNode n) {
    if (!n.hasNonNull("q") || !n.hasNonNull("volume") || !n.hasNonNull("reply")) {
      return Optional.empty();
    }
    return Optional.of(new VolumeQuestion(n.get("q").asText(), n.get("volume").asText(), n.get("reply").asText()));
  }

  public static Optional<VolumeAnswer> volumeAnswer(JsonNode n) {
    if (!n.hasNonNull("q") || !n.hasNonNull("member") || !n.hasNonNull("address") || !n.path("lastSeq").isNumber()) {
      return Optional.empty();
    }
    return Optional.of(new VolumeAnswer(n.get("q").asText(), n.get("member").asText(), n.get("address").asText(),
        n.get("lastSeq").asLong()));
  }

  public static byte[] encode(Question q) {
    ObjectNode n = JSON.createObjectNode().put("v", 1).put("q", q.requestId()).put("id", q.objectId())
        .put("reply", q.replyTo());
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] encode(Answer a) {
    ObjectNode n = JSON.createObjectNode().put("v", 1).put("q", a.requestId()).put("member", a.member())
        .put("state", a.state().name());
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }

  public static Optional<Question> question(byte[] data, int length) {
    return parse(data, length).flatMap(SearchMessages::question);
  }

  public static Optional<Question> question(JsonNode n) {
    if (!n.hasNonNull("q") || !n.hasNonNull("id") || !n.hasNonNull("reply")) {
      return Optional.empty();
    }
    return Optional.of(new Question(n.get("q").asText(), n.get("id").asText(), n.get("reply").asText()));
  }

  public static Optional<Answer> answer(byte[] data, int length) {
    return parse(data, length).flatMap(SearchMessages::answer);
  }

  public static Optional<Answer> answer(JsonNode n) {
    if (!n.hasNonNull("q") || !n.hasNonNull("member") || !n.hasNonNull("state")) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Answer(n.get("q").asText(), n.get("member").asText(), Presence.valueOf(n.get("state").asText())));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** A datagram of this protocol (version 1), or empty. */
  public static Optional<JsonNode> parse(byte[] data, int length) {
    try {
      JsonNode n = JSON.readTree(data, 0, length);
      return n != null && n.isObject() && n.path("v").asInt() == 1 ? Optional.of(n) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
