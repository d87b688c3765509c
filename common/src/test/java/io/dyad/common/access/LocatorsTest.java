package io.dyad.common.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocatorsTest {
  @TempDir Path dir;

  private final Clock now = Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC);

  private static void denied(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String why) {
    assertThatThrownBy(call).isInstanceOfSatisfying(DyadException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.ACCESS_DENIED);
      assertThat(e.getMessage()).contains(why);
    });
  }

  @Test
  void aLocatorPermitsItsOperationOnItsObjectUntilItExpires() throws Exception {
    Locators locators = new Locators(ClusterSecret.create(dir.resolve("secret")), now);
    String read = locators.sign(Locator.Operation.READ, "obj-1", Duration.ofMinutes(5));
    assertThat(locators.check(read, Locator.Operation.READ, "obj-1").objectId()).isEqualTo("obj-1");
    denied(() -> locators.check(read, Locator.Operation.WRITE, "obj-1"), "permits READ of obj-1, not WRITE");
    denied(() -> locators.check(read, Locator.Operation.READ, "obj-2"), "not READ of obj-2");
    Locators later = new Locators(ClusterSecret.load(dir.resolve("secret")),
        Clock.offset(now, Duration.ofMinutes(6)));
    denied(() -> later.check(read, Locator.Operation.READ, "obj-1"), "expired");
  }

  @Test
  void forgedOrAlteredLocatorsAndOtherClustersLocatorsAreRefused() throws Exception {
    Locators mine = new Locators(ClusterSecret.create(dir.resolve("mine")), now);
    Locators theirs = new Locators(ClusterSecret.create(dir.resolve("theirs")), now);
    String token = mine.sign(Locator.Operation.READ, "obj-1", Duration.ofMinutes(5));
    denied(() -> theirs.check(token, Locator.Operation.READ, "obj-1"), "signature");
    String[] parts = token.split("\\.");
    String widened = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString("ADMIN\n99999999999999\n*".getBytes()) + "." + parts[2];
    denied(() -> mine.check(widened, Locator.Operation.DELETE, "obj-9"), "signature");
    for (String junk : new String[] {"", "dyad1.", "dyad1.a.b.c", "dyad1.!!.??", "x".repeat(5000), "hello"}) {
      assertThatThrownBy(() -> mine.check(junk, Locator.Operation.READ, "obj-1"))
          .isInstanceOfSatisfying(DyadException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ACCESS_DENIED));
    }
  }

  @Test
  void anAdminCredentialPermitsEverything() throws Exception {
    Locators locators = new Locators(ClusterSecret.create(dir.resolve("secret")), now);
    String admin = locators.sign(Locator.Operation.ADMIN, Locator.ANY_OBJECT, Duration.ofMinutes(1));
    assertThat(locators.check(admin, Locator.Operation.DELETE, "anything").operation())
        .isEqualTo(Locator.Operation.ADMIN);
  }

  @Test
  void theSecretFileIsPrivateNeverOverwrittenAndItsFingerprintRevealsNothing() throws Exception {
    Path file = dir.resolve("secret");
    ClusterSecret s = ClusterSecret.create(file);
    assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(
        java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    assertThatThrownBy(() -> ClusterSecret.create(file)).isInstanceOfSatisfying(DyadException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    String hex = Files.readString(file).strip();
    assertThat(s.fingerprint()).startsWith("sha256:").doesNotContain(hex.substring(0, 16));
    assertThat(s.toString()).doesNotContain(hex.substring(0, 16));
    assertThat(ClusterSecret.load(file).fingerprint()).isEqualTo(s.fingerprint());
    Files.writeString(dir.resolve("bad"), "not hex");
    Files.setPosixFilePermissions(dir.resolve("bad"), PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> ClusterSecret.load(dir.resolve("bad"))).isInstanceOfSatisfying(DyadException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }

  @Test
  void aSecretFileOthersMayReadIsRefused() throws Exception {
    Path file = dir.resolve("shared");
    ClusterSecret.create(file);
    for (String loose : new String[] {"rw-r--r--", "rw-r-----", "rw-----w-"}) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(loose));
      assertThatThrownBy(() -> ClusterSecret.load(file)).as(loose).isInstanceOfSatisfying(DyadException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(e.getMessage()).contains("chmod 600").contains(loose);
      });
    }
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
    assertThat(ClusterSecret.load(file).fingerprint()).startsWith("sha256:");
  }
}
