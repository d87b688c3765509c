package io.dyad.server.tls;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.access.PrivateFiles;
import io.dyad.rpc.tls.PemFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A development certificate authority: for {@code dyad local}, {@code dyad admin dev-ca} and tests, never for a
 * production cluster (its CA key sits next to the certificates it signs). Writes PEM files: {@code ca.pem} and
 * {@code ca-key.pem}, and for each name {@code NAME.pem} and {@code NAME-key.pem}, keys readable by their owner
 * only. Keys are EC P-256. Needs Bouncy Castle's {@code bcpkix} on the class path.
 */
public final class DevCertificates {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern IP = Pattern.compile("[0-9.]+|[0-9a-fA-F:]+");

  /** A CA that can sign: its certificate and keys. */
  public record Authority(X509Certificate certificate, KeyPair keys) {}

  /** Files of one issued certificate. */
  public record Issued(Path ca, Path certificate, Path key) {}

  private DevCertificates() {}

  /** The CA in {@code dir}, made (valid for 10 years) if {@code dir} has none yet. */
  public static Authority authority(Path dir) throws DyadException {
    Path cert = dir.resolve("ca.pem");
    Path key = dir.resolve("ca-key.pem");
    if (Files.exists(cert) && Files.exists(key)) {
      PrivateKey privateKey = PemFiles.privateKey(key);
      X509Certificate c = PemFiles.certificates(cert, "the development CA file").get(0);
      return new Authority(c, new KeyPair(c.getPublicKey(), privateKey));
    }
    Instant now = Instant.now();
    Authority ca = newAuthority("Dyad development CA", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(3650)));
    writePem(key, ca.keys().getPrivate(), true);
    writePem(cert, ca.certificate(), false);
    return ca;
  }

  /**
   * Issues {@code NAME.pem}/{@code NAME-key.pem} in {@code dir} under its CA (made if missing), for the given
   * addresses (IP addresses or DNS names, put in the subject alternative names: clients check them), valid from an
   * hour ago for {@code validity}. An existing certificate of that name is replaced.
   */
  public static Issued issue(Path dir, String name, List<String> addresses, Duration validity) throws DyadException {
    if (!NAME.matcher(name).matches()) {
      throw DyadException.invalidArgument("a certificate name is letters, digits, '.', '_' and '-', was: " + name);
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot create " + dir + ": " + e.getMessage(), e);
    }
    Authority ca = authority(dir);
    Instant now = Instant.now();
    KeyPair keys = newKeys();
    X509Certificate cert = sign(ca, name, keys, addresses, now.minus(Duration.ofHours(1)), now.plus(validity));
    Path certFile = dir.resolve(name + ".pem");
    Path keyFile = dir.resolve(name + "-key.pem");
    writePem(keyFile, keys.getPrivate(), true);
    writePem(certFile, cert, false);
    return new Issued(dir.resolve("ca.pem"), certFile, keyFile);
  }

  /** A new self-signed CA valid between the two instants. */
  public static Authority newAuthority(String commonName, Instant notBefore, Instant notAfter) throws DyadException {
    KeyPair keys = newKeys();
    X500Name subject = new X500Name("CN=" + commonName);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(notBefore),
          Date.from(notAfter), subject, keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new Authority(convert(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))),
          keys);
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make a development CA", e);
    }
  }

  /** A certificate for {@code commonName} and {@code addresses}, signed by {@code ca}, for servers and clients. */
  public static X509Certificate sign(Authority ca, String commonName, KeyPair keys, List<String> addresses,
      Instant notBefore, Instant notAfter) throws DyadException {
    List<GeneralName> names = new ArrayList<>();
    for (String a : addresses) {
      names.add(isIpAddress(a) ? new GeneralName(GeneralName.iPAddress, a) : new GeneralName(GeneralName.dNSName, a));
    }
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.certificate(), serial(), Date.from(notBefore),
          Date.from(notAfter), new X500Name("CN=" + commonName), keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.authorityKeyIdentifier, false,
              ext.createAuthorityKeyIdentifier(ca.certificate()))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      if (!names.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
      }
      return convert(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.keys().getPrivate())));
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot sign a development certificate", e);
    } catch (IllegalArgumentException e) {
      throw DyadException.invalidArgument("not an address for a certificate: " + e.getMessage());
    }
  }

  /** A new EC P-256 key pair. */
  public static KeyPair newKeys() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 is missing from this JVM", e);
    }
  }

  /** Writes a certificate or key as PEM; keys readable by their owner only from the moment they exist. */
  public static void writePem(Path file, Object object, boolean secret) throws DyadException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      pem.writeObject(object instanceof PrivateKey k ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null)
          : object);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode PEM", e);
    }
    try {
      Files.deleteIfExists(file);
      if (secret && PrivateFiles.posix(file)) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        w.write(text.toString());
      }
    } catch (IOException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static boolean isIpAddress(String a) {
    if (!IP.matcher(a).matches()) {
      return false;
    }
    try {
      InetAddress.getByName(a); // a literal: no lookup
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static X509Certificate convert(X509CertificateHolder holder) throws GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  private static BigInteger serial() {
    return new BigInteger(64, new SecureRandom());
  }
}
