package io.dyad.ddm.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.dyad.common.DyadException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The ids that name a change to a volume's directories, so that a change sent again is answered as it was the first
 * time instead of applied twice. A client names an operation (the same id on every retry of it, through any DDM); the
 * directories' id for it adds a digest of the call, so that an id a client reuses for another change is a new request,
 * never another change's answer, and the prefix keeps client ids apart from the ones a DDM makes itself.
 */
final class RequestIds {
  /** at most this long, so that the directories' ids built on it ("commit-" + upload id) stay within their 64 */
  static final int MAX_LENGTH = 40;
  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_LENGTH + "}");
  private static final int DIGEST_BYTES = 6;

  private RequestIds() {}

  /**
   * The id a client gave, checked; empty if it gave none (an older client: null or "").
   *
   * @throws DyadException INVALID_ARGUMENT for an id too long or with other characters than letters, digits, '.',
   *     '_', ':' and '-'
   */
  static Optional<String> check(String requestId) throws DyadException {
    if (requestId == null || requestId.isEmpty()) {
      return Optional.empty();
    }
    if (!ALLOWED.matcher(requestId).matches()) {
      throw DyadException.invalidArgument("a request id is 1-" + MAX_LENGTH + " letters, digits, '.', '_', ':' or "
          + "'-' (a UUID, say); got " + describe(requestId));
    }
    return Optional.of(requestId);
  }

  /**
   * The directories' id for a change: from the client's id and the call ({@code method} and its arguments) if the
   * client named it, else a new one (a retry by the client is then a new request).
   */
  static String forChange(Optional<String> clientId, String method, String... arguments) {
    if (clientId.isEmpty()) {
      return UUID.randomUUID().toString();
    }
    MessageDigest sha = sha256();
    update(sha, method);
    for (String a : arguments) {
      update(sha, a);
    }
    byte[] digest = sha.digest();
    return "rq-" + clientId.get() + "-" + HexFormat.of().formatHex(digest, 0, DIGEST_BYTES);
  }

  private static void update(MessageDigest sha, String s) {
    byte[] bytes = s.getBytes(UTF_8);
    sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
    sha.update(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** A bounded, printable rendering of what a stranger sent. */
  private static String describe(String s) {
    String shown = s.length() > 60 ? s.substring(0, 60) + "..." : s;
    return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "' (" + s.length() + " characters)";
  }
}
