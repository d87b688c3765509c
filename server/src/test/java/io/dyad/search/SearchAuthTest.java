package io.dyad.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dyad.common.access.ClusterSecret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Search datagrams in a cluster with a secret: only the cluster's own, intact and fresh, are opened. */
class SearchAuthTest {
  @TempDir Path dir;

  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

  private static Clock at(Instant t) {
    return Clock.fixed(t, ZoneOffset.UTC);
  }

  private static byte[] answer() {
    return SearchMessages.encode(new SearchMessages.VolumeAnswer("req-1", "da1", "127.0.1.21:9400", 42));
  }

  private static Optional<?> open(SearchAuth auth, byte[] datagram) {
    return auth.open(datagram, datagram.length);
  }

  @Test
  void theClustersOwnSealedDatagramsOpenAndCarryTheirFields() throws Exception {
    ClusterSecret secret = ClusterSecret.create(dir.resolve("s"));
    SearchAuth auth = new SearchAuth(Optional.of(secret), at(NOW));
    byte[] sealed = auth.seal(answer());
    assertThat(new String(sealed, StandardCharsets.UTF_8)).contains("\"sig\":").contains("\"t\":");
    assertThat(auth.open(sealed, sealed.length).flatMap(SearchMessages::volumeAnswer))
        .contains(new SearchMessages.VolumeAnswer("req-1", "da1", "127.0.1.21:9400", 42));
    SearchAuth later = new SearchAuth(Optional.of(secret), at(NOW.plus(SearchAuth.VALIDITY.minusSeconds(1))));
    assertThat(open(later, sealed)).as("still fresh").isPresent();
  }

  @Test
  void unsignedForgedAlteredAndStaleDatagramsAreDropped() throws Exception {
    ClusterSecret secret = ClusterSecret.create(dir.resolve("s"));
    ClusterSecret stranger = ClusterSecret.create(dir.resolve("other"));
    SearchAuth auth = new SearchAuth(Optional.of(secret), at(NOW));
    assertThat(open(auth, answer())).as("unsigned").isEmpty();
    assertThat(open(auth, new SearchAuth(Optional.of(stranger), at(NOW)).seal(answer()))).as("another secret")
        .isEmpty();
    byte[] sealed = auth.seal(answer());
    ObjectNode altered = (ObjectNode) SearchMessages.parse(sealed, sealed.length).orElseThrow();
    altered.put("address", "10.9.9.9:9400"); // a reader redirected elsewhere
    assertThat(open(auth, altered.toString().getBytes(StandardCharsets.UTF_8))).as("altered").isEmpty();
    for (Duration skew : new Duration[] {SearchAuth.VALIDITY.plusSeconds(1), SearchAuth.VALIDITY.plusSeconds(1).negated()}) {
      SearchAuth then = new SearchAuth(Optional.of(secret), at(NOW.plus(skew)));
      assertThat(open(then, sealed)).as("replayed or from the future: %s", skew).isEmpty();
    }
    byte[] badSig = new String(sealed, StandardCharsets.UTF_8).replaceAll("\"sig\":\"[0-9a-f]+\"", "\"sig\":\"zz\"")
        .getBytes(StandardCharsets.UTF_8);
    assertThat(open(auth, badSig)).as("not hex").isEmpty();
  }

  @Test
  void withoutASecretDatagramsGoUnsigned() {
    SearchAuth none = SearchAuth.none();
    assertThat(none.seal(answer())).isEqualTo(answer());
    assertThat(open(none, answer())).isPresent();
  }
}
