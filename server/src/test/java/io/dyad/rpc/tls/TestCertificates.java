package io.dyad.rpc.tls;

import io.dyad.common.DyadException;
import io.dyad.server.tls.DevCertificates;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates made in memory for TLS tests, including ones no {@link TlsFiles} would load (expired): a
 * {@link Tls} straight from keys and certificates.
 */
final class TestCertificates {
  private TestCertificates() {}

  static DevCertificates.Authority authority(String name) throws DyadException {
    Instant now = Instant.now();
    return DevCertificates.newAuthority(name, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
  }

  /** A party: its keys and a certificate for {@code addresses}, valid over the given window. */
  record Party(KeyPair keys, X509Certificate certificate) {}

  static Party party(DevCertificates.Authority ca, String name, List<String> addresses, Instant notBefore,
      Instant notAfter) throws DyadException {
    KeyPair keys = DevCertificates.newKeys();
    return new Party(keys, DevCertificates.sign(ca, name, keys, addresses, notBefore, notAfter));
  }

  static Party valid(DevCertificates.Authority ca, String name, String... addresses) throws DyadException {
    Instant now = Instant.now();
    return party(ca, name, List.of(addresses), now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
  }

  static Party expired(DevCertificates.Authority ca, String name, String... addresses) throws DyadException {
    Instant now = Instant.now();
    return party(ca, name, List.of(addresses), now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)));
  }

  /** TLS presenting {@code self} (null: no certificate) and trusting {@code trusted}. */
  static Tls tls(Party self, DevCertificates.Authority trusted, boolean requireClientCertificates) throws Exception {
    KeyManagerFactory kmf = null;
    if (self != null) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("dyad", self.keys().getPrivate(), new char[0],
          new Certificate[] {self.certificate(), trusted.certificate()});
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, new char[0]);
    }
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", trusted.certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    return new Tls(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), requireClientCertificates,
        "test TLS");
  }
}
