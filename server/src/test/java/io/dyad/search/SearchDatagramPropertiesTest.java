package io.dyad.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.common.access.ClusterSecret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property-based fuzzing of the multicast search datagrams a stranger on the group can send: parsing never throws
 * and nothing random opens under the cluster's signature.
 */
class SearchDatagramPropertiesTest {
  private static Path dir;
  private static ClusterSecret secret;

  @BeforeContainer
  static void makeSecret() throws Exception {
    dir = Files.createTempDirectory("dyad-fuzz-");
    secret = ClusterSecret.create(dir.resolve("secret"));
  }

  @AfterContainer
  static void removeSecret() throws Exception {
    Files.deleteIfExists(dir.resolve("secret"));
    Files.deleteIfExists(dir);
  }

  @Provide
  Arbitrary<String> hostileStrings() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(300),
        Arbitraries.strings().ascii().ofMinLength(190).ofMaxLength(210),
        Arbitraries.of("", ".", "..", "{}", "\u0000"));
  }

  @Property
  void searchDatagramsNeverThrowAndRandomOnesNeverOpen(@ForAll("hostileStrings") String text, @ForAll byte[] raw) {
    SearchAuth signed = new SearchAuth(Optional.of(secret), Clock.systemUTC());
    for (byte[] datagram : new byte[][] {text.getBytes(StandardCharsets.UTF_8), raw}) {
      assertThat(signed.open(datagram, datagram.length)).as("nothing random is signed by the cluster").isEmpty();
      SearchMessages.question(datagram, datagram.length);
      SearchMessages.answer(datagram, datagram.length);
      SearchMessages.volumeQuestion(datagram, datagram.length);
      SearchAuth.none().open(datagram, datagram.length).ifPresent(SearchMessages::volumeAnswer);
    }
  }
}
