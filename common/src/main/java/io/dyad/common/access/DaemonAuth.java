package io.dyad.common.access;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

/**
 * How Dyad daemons prove to a member (a storage node, a directory server) that they are daemons of this cluster:
 * right after connecting, the caller sends its name, the time, a random nonce and HMAC-SHA256 of the three under the
 * cluster secret (purpose "member-auth"); the member checks the proof, refuses one more than {@link #WINDOW} away
 * from its clock or whose nonce it has seen, and from then on serves that connection as the daemon's. Clients
 * never get this far: they reach objects and files through DOSMs and DDMs, with locators.
 */
public final class DaemonAuth {
  public static final Duration WINDOW = Duration.ofSeconds(60);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ClusterSecret secret;
  private final Clock clock;
  /** nonces seen within twice the window: a proof heard on the wire cannot be used again */
  private final Cache<String, Boolean> seen = CacheBuilder.newBuilder().maximumSize(1_000_000)
      .expireAfterWrite(WINDOW.multipliedBy(2)).build();

  public DaemonAuth(ClusterSecret secret, Clock clock) {
    this.secret = secret;
    this.clock = clock;
  }

  /** What a daemon sends. */
  public record Proof(String daemon, long time, String nonce, byte[] mac) {}

  /** A fresh proof that {@code daemon} holds the cluster secret. */
  public Proof prove(String daemon) {
    byte[] n = new byte[16];
    RANDOM.nextBytes(n);
    String nonce = HexFormat.of().formatHex(n);
    long time = clock.millis();
    return new Proof(daemon, time, nonce, mac(daemon, time, nonce));
  }

  /** @throws DyadException ACCESS_DENIED if the proof is not one this cluster's secret made just now, once */
  public void verify(String daemon, long time, String nonce, byte[] mac) throws DyadException {
    if (daemon == null || nonce == null || mac == null || daemon.isEmpty() || nonce.length() < 16
        || nonce.length() > 64) {
      throw denied("the proof is incomplete");
    }
    if (Math.abs(clock.millis() - time) > WINDOW.toMillis()) {
      throw denied("the proof was made " + Math.abs(clock.millis() - time) / 1000 + " s away from this member's "
          + "clock (at most " + WINDOW.toSeconds() + " s): check the clocks");
    }
    if (!secret.verify("member-auth", proofText(daemon, time, nonce), mac)) {
      throw denied("the proof was not made with this cluster's secret");
    }
    if (seen.asMap().putIfAbsent(nonce, Boolean.TRUE) != null) {
      throw denied("the proof was used before");
    }
  }

  private byte[] mac(String daemon, long time, String nonce) {
    return secret.sign("member-auth", proofText(daemon, time, nonce));
  }

  private static byte[] proofText(String daemon, long time, String nonce) {
    return (daemon + "\n" + time + "\n" + nonce).getBytes(StandardCharsets.UTF_8);
  }

  private static DyadException denied(String why) {
    return new DyadException(ErrorCode.ACCESS_DENIED, "not authenticated as a Dyad daemon of this cluster: " + why);
  }
}
