package io.dyad.common.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each step of a rotation leaves every pair of daemons able to understand each other: the one that restarted with
 * the new file and the one that still runs with the file of the step before.
 */
class SecretRotationTest {
  @TempDir Path dir;

  private static String locator(ClusterSecret s) {
    return new Locators(s, Clock.systemUTC()).sign(Locator.Operation.READ, "obj", Duration.ofMinutes(5));
  }

  private static boolean accepts(ClusterSecret verifier, String locator) {
    try {
      new Locators(verifier, Clock.systemUTC()).check(locator, Locator.Operation.READ, "obj");
      return true;
    } catch (DyadException e) {
      return false;
    }
  }

  private static boolean acceptsProof(ClusterSecret verifier, ClusterSecret prover) {
    try {
      ProofTarget member = ProofTarget.of(new InetSocketAddress("127.0.1.11", 9100), Optional.empty());
      DaemonAuth.Proof p = new DaemonAuth(prover, Clock.systemUTC()).prove("test", member);
      new DaemonAuth(verifier, Clock.systemUTC()).verify(p.daemon(), p.time(), p.nonce(), p.mac(), member);
      return true;
    } catch (DyadException e) {
      return false;
    }
  }

  @Test
  void everyStepKeepsTheDaemonsOfThisStepAndTheStepBeforeUnderstandingEachOther() throws Exception {
    Path file = dir.resolve("secret");
    ClusterSecret old = ClusterSecret.create(file);

    ClusterSecret added = SecretRotation.add(file);
    assertThat(added.fingerprints()).hasSize(2).first().isEqualTo(old.fingerprint());
    assertThat(added.fingerprint()).as("the current secret still signs").isEqualTo(old.fingerprint());
    assertThat(accepts(added, locator(old))).isTrue();
    assertThat(accepts(old, locator(added))).isTrue();
    assertThat(acceptsProof(added, old) && acceptsProof(old, added)).isTrue();

    ClusterSecret promoted = SecretRotation.promote(file);
    assertThat(promoted.fingerprint()).as("the new secret signs").isEqualTo(added.fingerprints().get(1));
    assertThat(promoted.fingerprints()).containsExactly(added.fingerprints().get(1), old.fingerprint());
    assertThat(accepts(added, locator(promoted))).as("daemons not yet restarted accept the new signatures").isTrue();
    assertThat(accepts(promoted, locator(added))).isTrue();
    assertThat(acceptsProof(added, promoted) && acceptsProof(promoted, added)).isTrue();
    assertThat(accepts(old, locator(promoted))).as("why step 1 comes first: the old file alone refuses it")
        .isFalse();

    ClusterSecret retired = SecretRotation.retire(file);
    assertThat(retired.fingerprints()).containsExactly(promoted.fingerprint());
    assertThat(accepts(promoted, locator(retired))).isTrue();
    assertThat(accepts(retired, locator(promoted))).isTrue();
    assertThat(accepts(retired, locator(old))).as("the old secret is no longer accepted").isFalse();
    assertThat(acceptsProof(retired, old)).isFalse();
    assertThat(SecretRotation.retire(file).fingerprints()).as("retire is idempotent")
        .containsExactly(promoted.fingerprint());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(dir.toFile().list()).as("no temporary files left").containsExactly("secret");
  }

  @Test
  void stepsOutOfOrderAreRefusedAndAFileWithThreeSecretsIsNot() throws Exception {
    Path file = dir.resolve("secret");
    ClusterSecret.create(file);
    assertThatThrownBy(() -> SecretRotation.promote(file)).isInstanceOf(DyadException.class)
        .hasMessageContaining("holds one secret: nothing to promote");
    SecretRotation.add(file);
    assertThatThrownBy(() -> SecretRotation.add(file)).isInstanceOfSatisfying(DyadException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    Files.writeString(file, Files.readString(file) + "00".repeat(32) + "\n");
    assertThatThrownBy(() -> ClusterSecret.load(file)).isInstanceOf(DyadException.class)
        .hasMessageContaining("holds 3 secrets");
  }

  @Test
  void searchDatagramsSignedWithEitherSecretAreAcceptedDuringARotation() throws Exception {
    Path file = dir.resolve("secret");
    ClusterSecret old = ClusterSecret.create(file);
    ClusterSecret both = SecretRotation.add(file);
    ClusterSecret promoted = both.promoted();
    byte[] body = "{\"q\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(both.verify("search", body, old.sign("search", body))).isTrue();
    assertThat(both.verify("search", body, promoted.sign("search", body))).isTrue();
    assertThat(old.verify("search", body, promoted.sign("search", body))).isFalse();
    assertThat(both.verify("other purpose", body, old.sign("search", body))).isFalse();
  }
}
