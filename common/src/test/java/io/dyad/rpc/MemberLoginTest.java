package io.dyad.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.access.ClusterSecret;
import io.dyad.common.access.DaemonAuth;
import io.dyad.common.access.ProofTarget;
import io.dyad.rpc.ThriftClientConfig.DaemonCredential;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A daemon sends a bound proof first, and an unbound one only to a member that refused it (an older version). */
class MemberLoginTest {
  private static final ProofTarget A2 = ProofTarget.of(new InetSocketAddress("127.0.1.12", 9100), Optional.empty());

  @TempDir Path dir;

  @Test
  void aCurrentMemberGetsOneBoundProof() throws Exception {
    ClusterSecret secret = ClusterSecret.create(dir.resolve("secret"));
    DaemonAuth member = new DaemonAuth(secret, Clock.systemUTC());
    List<DaemonAuth.Proof> sent = new ArrayList<>();
    MemberLogin.authenticate(new DaemonCredential("dosm d1", new DaemonAuth(secret, Clock.systemUTC())), A2, p -> {
      sent.add(p);
      member.verify(p.daemon(), p.time(), p.nonce(), p.mac(), A2);
    });
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).nonce()).startsWith("bound-");
  }

  @Test
  void aMemberOfAnOlderVersionGetsAnUnboundProofAfterRefusingTheBoundOne() throws Exception {
    ClusterSecret secret = ClusterSecret.create(dir.resolve("secret"));
    List<DaemonAuth.Proof> sent = new ArrayList<>();
    MemberLogin.authenticate(new DaemonCredential("dosm d1", new DaemonAuth(secret, Clock.systemUTC())), A2, p -> {
      sent.add(p);
      if (p.nonce().startsWith("bound-")) { // what an older member answers: the MAC is not the one it expects
        throw new DyadException(ErrorCode.ACCESS_DENIED, "the proof was not made with this cluster's secret");
      }
    });
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).nonce()).doesNotStartWith("bound-");
  }

  @Test
  void aMemberThatRefusesBothReportsTheFirstRefusalAndOtherErrorsAreNotRetried() throws Exception {
    ClusterSecret secret = ClusterSecret.create(dir.resolve("secret"));
    DaemonCredential d = new DaemonCredential("dosm d1", new DaemonAuth(secret, Clock.systemUTC()));
    List<DaemonAuth.Proof> sent = new ArrayList<>();
    assertThatThrownBy(() -> MemberLogin.authenticate(d, A2, p -> {
      sent.add(p);
      throw new DyadException(ErrorCode.ACCESS_DENIED, sent.size() == 1 ? "first" : "second");
    })).hasMessageContaining("first");
    assertThat(sent).hasSize(2);
    sent.clear();
    assertThatThrownBy(() -> MemberLogin.authenticate(d, A2, p -> {
      sent.add(p);
      throw new DyadException(ErrorCode.UNAVAILABLE, "the connection broke");
    })).hasMessageContaining("broke");
    assertThat(sent).hasSize(1);
  }
}
