package io.dyad.rpc.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dyad.common.DyadException;
import io.dyad.server.tls.DevCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading TLS material refuses, with a line naming the file, what would otherwise fail every handshake later. */
class TlsFilesTest {
  @TempDir
  Path dir;

  @Test
  void developmentCertificatesLoadAndNameTheirSubject() throws Exception {
    DevCertificates.Issued issued = DevCertificates.issue(dir, "node", List.of("127.0.1.1", "localhost"),
        Duration.ofDays(1));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(issued.key()))).isEqualTo("rw-------");
    Tls tls = TlsFiles.pem(issued.ca(), issued.certificate(), issued.key(), true).load();
    assertThat(tls.toString()).contains("CN=node").contains("client certificates required");
    assertThat(tls.requiresClientCertificates()).isTrue();
    // a second certificate under the same CA: the CA is reused, not replaced
    DevCertificates.Issued second = DevCertificates.issue(dir, "other", List.of("127.0.2.1"), Duration.ofDays(1));
    assertThat(Files.readString(second.ca())).isEqualTo(Files.readString(issued.ca()));
  }

  @Test
  void aKeyOthersMayReadIsRefused() throws Exception {
    DevCertificates.Issued issued = DevCertificates.issue(dir, "node", List.of("127.0.1.1"), Duration.ofDays(1));
    Files.setPosixFilePermissions(issued.key(), PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> TlsFiles.pem(issued.ca(), issued.certificate(), issued.key(), false).load())
        .isInstanceOf(DyadException.class)
        .hasMessageContaining("may be read or written by others").hasMessageContaining("chmod 600");
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() throws Exception {
    DevCertificates.Issued a = DevCertificates.issue(dir, "a", List.of("127.0.1.1"), Duration.ofDays(1));
    DevCertificates.Issued b = DevCertificates.issue(dir, "b", List.of("127.0.1.2"), Duration.ofDays(1));
    assertThatThrownBy(() -> TlsFiles.pem(a.ca(), a.certificate(), b.key(), false).load())
        .isInstanceOf(DyadException.class)
        .hasMessage("the TLS key in " + b.key() + " does not belong to the certificate in " + a.certificate());
  }

  @Test
  void anExpiredOwnCertificateIsRefusedAtStart() throws Exception {
    DevCertificates.Issued fresh = DevCertificates.issue(dir, "node", List.of("127.0.1.1"), Duration.ofDays(1));
    TestCertificates.Party stale = TestCertificates.expired(DevCertificates.authority(dir), "node", "127.0.1.1");
    DevCertificates.writePem(fresh.certificate(), stale.certificate(), false);
    DevCertificates.writePem(fresh.key(), stale.keys().getPrivate(), true);
    assertThatThrownBy(() -> TlsFiles.pem(fresh.ca(), fresh.certificate(), fresh.key(), false).load())
        .isInstanceOf(DyadException.class)
        .hasMessageContaining("(CN=node) expired on").hasMessageContaining("renew it");
  }

  @Test
  void anOldStyleKeyIsRefusedWithTheCommandThatConvertsIt() throws Exception {
    DevCertificates.Issued issued = DevCertificates.issue(dir, "node", List.of("127.0.1.1"), Duration.ofDays(1));
    Files.writeString(issued.key(), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    assertThatThrownBy(() -> TlsFiles.pem(issued.ca(), issued.certificate(), issued.key(), false).load())
        .isInstanceOf(DyadException.class)
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void aPkcs12KeystoreWithItsPasswordFileLoads() throws Exception {
    DevCertificates.Authority ca = DevCertificates.authority(dir);
    TestCertificates.Party node = TestCertificates.valid(ca, "node", "127.0.1.1");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("any", node.keys().getPrivate(), "pw".toCharArray(),
        new Certificate[] {node.certificate(), ca.certificate()});
    Path store = dir.resolve("node.p12");
    try (var out = Files.newOutputStream(store)) {
      ks.store(out, "pw".toCharArray());
    }
    Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rw-------"));
    Path password = dir.resolve("password");
    Files.writeString(password, "pw\n");
    Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
    Tls tls = new TlsFiles(dir.resolve("ca.pem"), Optional.of(store), Optional.empty(), Optional.of(password), false)
        .load();
    assertThat(tls.toString()).contains("CN=node");
    Files.writeString(password, "wrong\n");
    assertThatThrownBy(() -> new TlsFiles(dir.resolve("ca.pem"), Optional.of(store), Optional.empty(),
        Optional.of(password), false).load())
        .isInstanceOf(DyadException.class).hasMessageContaining("cannot read the TLS keystore " + store);
  }
}
