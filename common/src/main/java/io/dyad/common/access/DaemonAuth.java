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
 * right after connecting, the caller sends its name, the time, a random nonce and HMAC-SHA256 under the cluster
 * secret of the three and of the member it is talking to ({@link ProofTarget}: the member's address and, over TLS,
 * its certificate); the member checks the proof against what it sees of the same connection, refuses one made for
 * another member, one more than {@link #WINDOW} away from its clock or whose nonce it has seen, and from then on
 * serves that connection as the daemon's. Clients never get this far: they reach objects and files through DOSMs
 * and DDMs, with locators.
 *
 * <p>Daemons of versions before the binding send unbound proofs (the MAC covers name, time and nonce only; their
 * nonce lacks the {@code bound-} prefix). A member refuses those unless it was told to accept them for the length of
 * a rolling upgrade ({@code acceptUnbound}); a daemon whose bound proof a member refuses tries an unbound one next,
 * so that upgraded daemons still reach members not yet upgraded.
 */
public final class DaemonAuth {
  public static final Duration WINDOW = Duration.ofSeconds(60);
  /** How the nonce of a bound proof begins: it tells the member which MAC to expect. */
  static final String BOUND = "bound-";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ClusterSecret secret;
  private final Clock clock;
  private final boolean acceptUnbound;
  /** nonces seen within twice the window: a proof heard on the wire cannot be used again */
  private final Cache<String, Boolean> seen = CacheBuilder.newBuilder().maximumSize(1_000_000)
      .expireAfterWrite(WINDOW.multipliedBy(2)).build();

  /** A member's check that refuses unbound proofs, or a daemon's prover. */
  public DaemonAuth(ClusterSecret secret, Clock clock) {
    this(secret, clock, false);
  }

  /** @param acceptUnbound accept proofs not bound to this member (from daemons of older versions, while upgrading) */
  public DaemonAuth(ClusterSecret secret, Clock clock, boolean acceptUnbound) {
    this.secret = secret;
    this.clock = clock;
    this.acceptUnbound = acceptUnbound;
  }

  /** What a daemon sends. */
  public record Proof(String daemon, long time, String nonce, byte[] mac) {}

  /** How a proof that passed was made. */
  public enum Binding {
    /** for this member (and this certificate) */
    BOUND,
    /** by a daemon of an older version, for any member: accepted only while upgrading */
    UNBOUND
  }

  /** A fresh proof that {@code daemon} holds the cluster secret, valid at {@code target} only. */
  public Proof prove(String daemon, ProofTarget target) {
    String nonce = BOUND + randomHex();
    long time = clock.millis();
    return new Proof(daemon, time, nonce, secret.sign("member-auth-bound", boundText(daemon, time, nonce, target)));
  }

  /**
   * A proof as daemons before the binding made it, valid at any member: only for a member that refused a bound
   * proof, which may be one of an older version.
   */
  public Proof proveUnbound(String daemon) {
    String nonce = randomHex();
    long time = clock.millis();
    return new Proof(daemon, time, nonce, secret.sign("member-auth", unboundText(daemon, time, nonce)));
  }

  /**
   * Checks a proof that arrived at {@code here} (this member, as the connection it came on reaches it).
   *
   * @return how it was made
   * @throws DyadException ACCESS_DENIED if the proof is not one this cluster's secret made just now, once, for this
   *     member (or, when this member accepts them, for any)
   */
  public Binding verify(String daemon, long time, String nonce, byte[] mac, ProofTarget here) throws DyadException {
    if (daemon == null || nonce == null || mac == null || daemon.isEmpty() || nonce.length() < 16
        || nonce.length() > 64) {
      throw denied("the proof is incomplete");
    }
    long skew = Math.abs(clock.millis() - time);
    if (skew > WINDOW.toMillis()) {
      throw denied("the proof was made " + skew / 1000 + " s away from this member's clock (at most "
          + WINDOW.toSeconds() + " s): check the clocks");
    }
    Binding binding;
    if (nonce.startsWith(BOUND)) {
      if (!secret.verify("member-auth-bound", boundText(daemon, time, nonce, here), mac)) {
        throw denied("the proof was not made with this cluster's secret for this member (" + here + "); a proof "
            + "made for another member, or received by a relay, is refused");
      }
      binding = Binding.BOUND;
    } else {
      if (!secret.verify("member-auth", unboundText(daemon, time, nonce), mac)) {
        throw denied("the proof was not made with this cluster's secret");
      }
      if (!acceptUnbound) {
        throw denied("the proof is not bound to a member (a daemon of an older Dyad version made it); this member "
            + "accepts those only while started with --accept-unbound-proofs, for a rolling upgrade");
      }
      binding = Binding.UNBOUND;
    }
    if (seen.asMap().putIfAbsent(nonce, Boolean.TRUE) != null) {
      throw denied("the proof was used before");
    }
    return binding;
  }

  private static String randomHex() {
    byte[] n = new byte[16];
    RANDOM.nextBytes(n);
    return HexFormat.of().formatHex(n);
  }

  private static byte[] unboundText(String daemon, long time, String nonce) {
    return (daemon + "\n" + time + "\n" + nonce).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] boundText(String daemon, long time, String nonce, ProofTarget target) {
    byte[] head = (daemon + "\n" + time + "\n" + nonce + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] tail = target.text();
    byte[] all = new byte[head.length + tail.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    return all;
  }

  private static DyadException denied(String why) {
    return new DyadException(ErrorCode.ACCESS_DENIED, "not authenticated as a Dyad daemon of this cluster: " + why);
  }
}
