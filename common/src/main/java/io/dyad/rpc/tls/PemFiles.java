package io.dyad.rpc.tls;

import io.dyad.common.DyadException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads certificates and unencrypted PKCS#8 private keys ({@code -----BEGIN PRIVATE KEY-----}, what
 * {@code openssl genpkey} and {@code dyad admin dev-ca} write) from PEM files with the JDK alone.
 */
public final class PemFiles {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----", Pattern.DOTALL);
  private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519", "Ed448");

  private PemFiles() {}

  public static List<X509Certificate> certificates(Path file, String what) throws DyadException {
    String text = read(file, what);
    List<X509Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      Matcher m = BLOCK.matcher(text);
      while (m.find()) {
        if (m.group(1).equals("CERTIFICATE")) {
          certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(decode(m, file, what))));
        }
      }
    } catch (CertificateException e) {
      throw DyadException.invalidArgument(what + " " + file + " holds a certificate that cannot be read: "
          + e.getMessage());
    }
    if (certs.isEmpty()) {
      throw DyadException.invalidArgument(what + " " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return certs;
  }

  public static PrivateKey privateKey(Path file) throws DyadException {
    String what = "the TLS key file";
    String text = read(file, what);
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String kind = m.group(1);
      if (kind.equals("PRIVATE KEY")) {
        byte[] der = decode(m, file, what);
        for (String algorithm : KEY_ALGORITHMS) {
          try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
          } catch (GeneralSecurityException wrongAlgorithm) {
            // try the next one
          }
        }
        throw DyadException.invalidArgument(what + " " + file + " holds a key of an unsupported algorithm "
            + "(RSA, EC and EdDSA are read)");
      }
      if (kind.endsWith("PRIVATE KEY")) {
        throw DyadException.invalidArgument(what + " " + file + " holds a " + kind + "; Dyad reads unencrypted "
            + "PKCS#8 keys: convert it with openssl pkcs8 -topk8 -nocrypt -in " + file + " -out NEW_FILE");
      }
    }
    throw DyadException.invalidArgument(what + " " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
  }

  private static String read(Path file, String what) throws DyadException {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw DyadException.invalidArgument("cannot read " + what + " " + file + ": " + e);
    }
  }

  private static byte[] decode(Matcher m, Path file, String what) throws DyadException {
    try {
      return Base64.getMimeDecoder().decode(m.group(2).strip());
    } catch (IllegalArgumentException e) {
      throw DyadException.invalidArgument(what + " " + file + " is not valid PEM: " + e.getMessage());
    }
  }
}
