package io.dyad.common.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.server.tls.DevCertificates;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member proof is good at the member it was made for only: another member's address, or another certificate than
 * the one the member presented (a relay's), refuses it; unbound proofs of older versions pass only where accepted.
 */
class DaemonAuthTest {
  private static final ProofTarget A2 = ProofTarget.of(new InetSocketAddress("127.0.1.12", 9100), Optional.empty());
  private static final ProofTarget B2 = ProofTarget.of(new InetSocketAddress("127.0.2.12", 9100), Optional.empty());

  @TempDir Path dir;
  private ClusterSecret secret;

  @BeforeEach
  void secret() throws DyadException {
    secret = ClusterSecret.create(dir.resolve("secret"));
  }

  private DaemonAuth member() {
    return new DaemonAuth(secret, Clock.systemUTC());
  }

  private static void verify(DaemonAuth at, DaemonAuth.Proof p, ProofTarget here) throws DyadException {
    at.verify(p.daemon(), p.time(), p.nonce(), p.mac(), here);
  }

  private static String refusal(DaemonAuth at, DaemonAuth.Proof p, ProofTarget here) {
    try {
      verify(at, p, here);
      throw new AssertionError("the proof was accepted at " + here);
    } catch (DyadException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.ACCESS_DENIED);
      return e.getMessage();
    }
  }

  private static Certificate certificate(String name) throws DyadException {
    Instant now = Instant.now();
    return DevCertificates.newAuthority(name, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)))
        .certificate();
  }

  @Test
  void aProofSentToA2IsRefusedByB2AndAcceptedByA2() throws DyadException {
    DaemonAuth.Proof toA2 = member().prove("dosm d1", A2);
    DaemonAuth b2 = member();
    assertThat(refusal(b2, toA2, B2)).contains("for this member (127.0.2.12:9100)");
    assertThat(member().verify(toA2.daemon(), toA2.time(), toA2.nonce(), toA2.mac(), A2))
        .isEqualTo(DaemonAuth.Binding.BOUND);
  }

  @Test
  void aProofMadeThroughARelaysCertificateIsRefusedByTheMemberBehindIt() throws DyadException {
    InetSocketAddress a2 = new InetSocketAddress("127.0.1.12", 9100);
    Certificate own = certificate("a2");
    Certificate relay = certificate("relay");
    ProofTarget atA2 = ProofTarget.of(a2, Optional.of(own));
    DaemonAuth member = member();
    refusal(member, member.prove("dosm d1", ProofTarget.of(a2, Optional.of(relay))), atA2);
    refusal(member, member.prove("dosm d1", A2), atA2); // made for a plain connection, sent over TLS
    verify(member, member.prove("dosm d1", atA2), atA2);
  }

  @Test
  void aProofIsGoodOnceAndOnlyWithinTheWindow() throws DyadException {
    DaemonAuth member = member();
    DaemonAuth.Proof p = member.prove("dosm d1", A2);
    verify(member, p, A2);
    assertThat(refusal(member, p, A2)).contains("used before");
    DaemonAuth past = new DaemonAuth(secret, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-2)));
    assertThat(refusal(member, past.prove("dosm d1", A2), A2)).contains("check the clocks");
  }

  @Test
  void unboundProofsPassOnlyAtAMemberThatAcceptsThemWhileUpgrading() throws DyadException {
    DaemonAuth.Proof old = member().proveUnbound("dosm d1");
    assertThat(refusal(member(), old, A2)).contains("--accept-unbound-proofs");
    DaemonAuth upgrading = new DaemonAuth(secret, Clock.systemUTC(), true);
    assertThat(upgrading.verify(old.daemon(), old.time(), old.nonce(), old.mac(), A2))
        .isEqualTo(DaemonAuth.Binding.UNBOUND);
    ClusterSecret other = ClusterSecret.create(dir.resolve("other"));
    assertThat(refusal(upgrading, new DaemonAuth(other, Clock.systemUTC()).proveUnbound("evil"), A2))
        .contains("not made with this cluster's secret");
    // an upgrading member still refuses a bound proof made for another member
    refusal(upgrading, member().prove("dosm d1", B2), A2);
  }

  @Test
  void aBoundProofDoesNotPassAsAnUnboundOne() throws DyadException {
    DaemonAuth.Proof bound = member().prove("dosm d1", A2);
    // the same MAC with the nonce's prefix cut off: the unbound check covers other text under another purpose
    String cut = bound.nonce().substring(DaemonAuth.BOUND.length());
    refusal(new DaemonAuth(secret, Clock.systemUTC(), true),
        new DaemonAuth.Proof(bound.daemon(), bound.time(), cut, bound.mac()), A2);
  }
}
