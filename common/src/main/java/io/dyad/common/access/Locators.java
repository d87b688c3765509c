package io.dyad.common.access;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/**
 * Signs and checks locators. A signed locator is {@code dyad1.<payload>.<mac>}: the payload (operation, object id,
 * expiry) and its HMAC-SHA256 under the cluster secret, both base64url. Anyone holding a locator may use it until it
 * expires; nobody without the secret can make or alter one.
 */
public final class Locators {
  private static final String PREFIX = "dyad1.";
  private static final int MAX_LENGTH = 1024;
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder UNB64 = Base64.getUrlDecoder();

  private final ClusterSecret secret;
  private final Clock clock;

  public Locators(ClusterSecret secret, Clock clock) {
    this.secret = secret;
    this.clock = clock;
  }

  /** A signed locator for {@code op} on {@code objectId}, valid for {@code life} from now. */
  public String sign(Locator.Operation op, String objectId, Duration life) {
    return sign(new Locator(op, objectId, clock.millis() + life.toMillis()));
  }

  public String sign(Locator l) {
    byte[] payload = (l.operation().name() + "\n" + l.expiresAtMillis() + "\n" + l.objectId())
        .getBytes(StandardCharsets.UTF_8);
    return PREFIX + B64.encodeToString(payload) + "." + B64.encodeToString(secret.mac(payload));
  }

  /**
   * The locator {@code token} stands for, if it is genuine, unexpired and permits {@code op} on {@code objectId}.
   *
   * @throws DyadException ACCESS_DENIED otherwise, saying why (never echoing the token)
   */
  public Locator check(String token, Locator.Operation op, String objectId) throws DyadException {
    if (token == null || token.isEmpty()) {
      throw denied("no locator was given; this cluster serves objects only with a locator from the DDM (or an "
          + "operator's credential)");
    }
    Locator l = decode(token);
    if (clock.millis() > l.expiresAtMillis()) {
      throw denied("the locator expired " + (clock.millis() - l.expiresAtMillis()) / 1000 + " s ago");
    }
    if (!l.permits(op, objectId)) {
      throw denied("the locator permits " + l.operation() + " of " + l.objectId() + ", not " + op + " of "
          + objectId);
    }
    return l;
  }

  private Locator decode(String token) throws DyadException {
    if (token.length() > MAX_LENGTH || !token.startsWith(PREFIX)) {
      throw denied("the locator is not one Dyad made");
    }
    String[] parts = token.substring(PREFIX.length()).split("\\.", -1);
    if (parts.length != 2) {
      throw denied("the locator is malformed");
    }
    byte[] payload;
    byte[] mac;
    try {
      payload = UNB64.decode(parts[0]);
      mac = UNB64.decode(parts[1]);
    } catch (IllegalArgumentException e) {
      throw denied("the locator is malformed");
    }
    if (!secret.verifyMac(payload, mac)) {
      throw denied("the locator's signature is not valid for this cluster");
    }
    String[] fields = new String(payload, StandardCharsets.UTF_8).split("\n", 3);
    try {
      return new Locator(Locator.Operation.valueOf(fields[0]), fields[2], Long.parseLong(fields[1]));
    } catch (RuntimeException e) {
      throw denied("the locator is malformed");
    }
  }

  private static DyadException denied(String why) {
    return new DyadException(ErrorCode.ACCESS_DENIED, why);
  }
}
