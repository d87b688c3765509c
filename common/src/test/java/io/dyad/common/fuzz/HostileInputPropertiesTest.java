package io.dyad.common.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.access.ClusterSecret;
import io.dyad.common.access.DaemonAuth;
import io.dyad.common.access.Locator;
import io.dyad.common.access.Locators;
import io.dyad.common.access.ProofTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property-based fuzzing (jqwik, a fixed budget of tries per property in every build) of what strangers can put in
 * front of Dyad's parsers and checks: object ids, locators and member proofs (search datagrams:
 * SearchDatagramPropertiesTest in the server module). Each either accepts
 * well-formed input or refuses it with the one typed error it documents — never another exception — and no
 * random input ever passes a signature check.
 */
class HostileInputPropertiesTest {
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

  /** Strings a careless or hostile client might send: any Unicode, control characters, long ones. */
  @Provide
  Arbitrary<String> hostileStrings() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(300),
        Arbitraries.strings().withChars("abc.:_~@+=-/\u0000 ").ofMaxLength(40),
        Arbitraries.strings().ascii().ofMinLength(190).ofMaxLength(210),
        Arbitraries.of("", ".", "..", "dyad1.", "dyad1..", "dyad1.a.b", "{}", "\u0000"));
  }

  @Property
  void anObjectIdIsAcceptedAsGivenOrRefusedAsInvalid(@ForAll("hostileStrings") String s) {
    try {
      ObjectId id = ObjectId.of(s);
      assertThat(id.value()).isEqualTo(s);
      assertThat(s.length()).isBetween(1, ObjectId.MAX_LENGTH);
      assertThat(s).matches("[A-Za-z0-9._~:@+=-]+");
    } catch (DyadException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }
  }

  @Property
  void noRandomTokenIsAValidLocator(@ForAll("hostileStrings") String token,
      @ForAll("hostileStrings") String objectId) {
    Locators locators = new Locators(secret, Clock.systemUTC());
    try {
      locators.check(token, Locator.Operation.READ, objectId);
      throw new AssertionError("a random token passed as a locator: " + token);
    } catch (DyadException e) {
      assertThat(e.code()).isIn(ErrorCode.ACCESS_DENIED, ErrorCode.INVALID_ARGUMENT);
    }
  }

  @Property
  void aLocatorWithAnyCharacterChangedIsRefused(@ForAll("positions") int at, @ForAll char replacement) {
    Locators locators = new Locators(secret, Clock.systemUTC());
    String token = locators.sign(Locator.Operation.READ, "obj-1", Duration.ofMinutes(5));
    int i = at % token.length();
    if (token.charAt(i) == replacement) {
      return;
    }
    String altered = token.substring(0, i) + replacement + token.substring(i + 1);
    try {
      locators.check(altered, Locator.Operation.READ, "obj-1");
      throw new AssertionError("an altered locator passed: " + altered);
    } catch (DyadException e) {
      assertThat(e.code()).isIn(ErrorCode.ACCESS_DENIED, ErrorCode.INVALID_ARGUMENT);
    }
  }

  @Provide
  Arbitrary<Integer> positions() {
    return Arbitraries.integers().between(0, 10_000);
  }

  @Property
  void noRandomProofAuthenticatesADaemon(@ForAll("hostileStrings") String daemon, @ForAll("hostileStrings") String nonce,
      @ForAll byte[] mac) {
    DaemonAuth auth = new DaemonAuth(secret, Clock.systemUTC());
    try {
      auth.verify(daemon, System.currentTimeMillis(), nonce, mac,
          ProofTarget.of(new java.net.InetSocketAddress("127.0.1.11", 9100), Optional.empty()));
      throw new AssertionError("a random proof authenticated " + daemon);
    } catch (DyadException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.ACCESS_DENIED);
    }
  }
}
