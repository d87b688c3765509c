package io.dyad.rpc.tls;

import static java.util.Objects.requireNonNull;

import io.dyad.common.DyadException;
import io.dyad.common.access.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Where a daemon or client finds its TLS material, and how it loads it into a {@link Tls}.
 *
 * @param trustedCa PEM file of the certificate authorities whose certificates this side accepts from its peers
 * @param certificate this side's certificate: a PEM file (its certificate first, then any intermediates) or a
 *     PKCS#12 keystore; empty for a client that presents none (allowed unless servers require client certificates)
 * @param key the PEM file of the certificate's private key (unencrypted PKCS#8, owner-only permissions); not used
 *     with a keystore
 * @param keystorePassword file whose first line is the PKCS#12 keystore's password (owner-only); empty: no password
 * @param requireClientCertificates a server refuses clients without a certificate from {@code trustedCa} (mutual
 *     TLS)
 */
public record TlsFiles(Path trustedCa, Optional<Path> certificate, Optional<Path> key,
    Optional<Path> keystorePassword, boolean requireClientCertificates) {

  public TlsFiles {
    requireNonNull(trustedCa, "trustedCa");
    requireNonNull(certificate, "certificate");
    requireNonNull(key, "key");
    requireNonNull(keystorePassword, "keystorePassword");
  }

  /** PEM certificate and key, trusting {@code ca}. */
  public static TlsFiles pem(Path ca, Path certificate, Path key, boolean requireClientCertificates) {
    return new TlsFiles(ca, Optional.of(certificate), Optional.of(key), Optional.empty(), requireClientCertificates);
  }

  /**
   * Reads the files and builds the TLS context.
   *
   * @throws DyadException INVALID_ARGUMENT naming the file and what is wrong with it: unreadable, not PEM, a key that
   *     others may read, a key that does not belong to the certificate, a certificate that has expired or is not
   *     valid yet
   */
  public Tls load() throws DyadException {
    List<X509Certificate> authorities = PemFiles.certificates(trustedCa, "the TLS CA file");
    KeyManager[] keyManagers = null;
    X509Certificate own = null;
    if (certificate.isPresent()) {
      KeyStore keys = isPem(certificate.get()) ? pemKeyStore() : pkcs12KeyStore();
      own = ownCertificate(keys);
      checkValidity(own, certificate.get());
      try {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        keyManagers = kmf.getKeyManagers();
      } catch (GeneralSecurityException e) {
        throw DyadException.invalidArgument("cannot use the TLS key in " + certificate.get() + ": " + e.getMessage());
      }
    }
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      for (int i = 0; i < authorities.size(); i++) {
        trust.setCertificateEntry("ca-" + i, authorities.get(i));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      return new Tls(keyManagers, tmf.getTrustManagers(), requireClientCertificates, describe(own, authorities));
    } catch (GeneralSecurityException | IOException e) {
      throw DyadException.invalidArgument("cannot set up TLS with the CA in " + trustedCa + ": " + e.getMessage());
    }
  }

  private static boolean isPem(Path file) throws DyadException {
    return isPem(file, "the TLS certificate file");
  }

  /**
   * Whether a certificate or key store file is PEM text (else PKCS#12). {@code what} names the file in the error.
   *
   * @throws DyadException INVALID_ARGUMENT if it cannot be read
   */
  public static boolean isPem(Path file, String what) throws DyadException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(4096);
      return new String(head, StandardCharsets.US_ASCII).contains("-----BEGIN");
    } catch (IOException e) {
      throw DyadException.invalidArgument("cannot read " + what + " " + file + ": " + e);
    }
  }

  private KeyStore pemKeyStore() throws DyadException {
    Path certFile = certificate.orElseThrow();
    Path keyFile = key.orElseThrow(() -> DyadException.invalidArgument("the TLS certificate " + certFile
        + " is a PEM file: name its private key too (--tls-key FILE)"));
    PrivateKey privateKey;
    PrivateFiles.checkOwnerOnly(keyFile, "the TLS key file");
    privateKey = PemFiles.privateKey(keyFile);
    List<X509Certificate> chain = PemFiles.certificates(certFile, "the TLS certificate file");
    checkKeyMatches(privateKey, chain.get(0), keyFile, certFile);
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("dyad", privateKey, new char[0], chain.toArray(new Certificate[0]));
      return ks;
    } catch (GeneralSecurityException | IOException e) {
      throw DyadException.invalidArgument("cannot use the TLS key " + keyFile + " with " + certFile + ": "
          + e.getMessage());
    }
  }

  private KeyStore pkcs12KeyStore() throws DyadException {
    Path file = certificate.orElseThrow();
    PrivateFiles.checkOwnerOnly(file, "the TLS keystore");
    char[] password = readPassword();
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore loaded = KeyStore.getInstance("PKCS12");
      loaded.load(in, password);
      // copied into a store with an empty key password: one KeyManagerFactory setup for both forms
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      for (String alias : Collections.list(loaded.aliases())) {
        if (loaded.isKeyEntry(alias)) {
          ks.setKeyEntry("dyad", loaded.getKey(alias, password), new char[0], loaded.getCertificateChain(alias));
          return ks;
        }
      }
      throw DyadException.invalidArgument("the TLS keystore " + file + " holds no private key");
    } catch (IOException | GeneralSecurityException e) {
      throw DyadException.invalidArgument("cannot read the TLS keystore " + file + " (neither PEM nor PKCS#12 with "
          + "this password): " + e.getMessage());
    }
  }

  private char[] readPassword() throws DyadException {
    if (keystorePassword.isEmpty()) {
      return new char[0];
    }
    Path file = keystorePassword.get();
    PrivateFiles.checkOwnerOnly(file, "the TLS keystore password file");
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return lines.isEmpty() ? new char[0] : lines.get(0).toCharArray();
    } catch (IOException e) {
      throw DyadException.invalidArgument("cannot read the TLS keystore password file " + file + ": " + e);
    }
  }

  private static X509Certificate ownCertificate(KeyStore ks) throws DyadException {
    try {
      return (X509Certificate) ks.getCertificate("dyad");
    } catch (GeneralSecurityException e) {
      throw DyadException.invalidArgument("cannot read the TLS certificate: " + e.getMessage());
    }
  }

  /** A key that does not sign what the certificate's public key verifies would fail every handshake: say so now. */
  private static void checkKeyMatches(PrivateKey key, X509Certificate cert, Path keyFile, Path certFile)
      throws DyadException {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm(); // Ed25519, Ed448
    };
    try {
      byte[] probe = "dyad key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      if (verifier.verify(signature)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      // a key of another algorithm than the certificate's: does not belong to it either
    }
    throw DyadException.invalidArgument("the TLS key in " + keyFile + " does not belong to the certificate in "
        + certFile);
  }

  private static void checkValidity(X509Certificate cert, Path file) throws DyadException {
    try {
      cert.checkValidity();
    } catch (CertificateExpiredException e) {
      throw DyadException.invalidArgument("the TLS certificate in " + file + " (" + subject(cert) + ") expired on "
          + cert.getNotAfter().toInstant() + ": renew it");
    } catch (CertificateNotYetValidException e) {
      throw DyadException.invalidArgument("the TLS certificate in " + file + " (" + subject(cert)
          + ") is not valid before " + cert.getNotBefore().toInstant() + " (is this host's clock right?)");
    }
  }

  static String subject(X509Certificate cert) {
    return cert.getSubjectX500Principal().getName();
  }

  private String describe(X509Certificate own, List<X509Certificate> authorities) {
    String who = own == null ? "no certificate" : "certificate " + subject(own) + " (valid until "
        + own.getNotAfter().toInstant() + ")";
    return "TLS with " + who + ", trusting " + authorities.size() + " CA certificate(s) from " + trustedCa
        + (requireClientCertificates ? ", client certificates required" : "");
  }
}
