package io.dyad.common.access;

import com.google.common.net.InetAddresses;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The member a daemon's proof is made for, as both ends of the connection see it: the member's IP address and port
 * (the address the caller's socket reached, which is the one the member's socket was reached at) and, over TLS, the
 * SHA-256 of the certificate the member presented (in the manner of RFC 5929's {@code tls-server-end-point}). A proof
 * bound to one target is refused by every member that sees another: a proof sent to a2 does not open b2, and a proof
 * a relay in the middle received under its own certificate does not open the member behind it.
 *
 * <p>Why not the TLS session itself: Java 17's {@code SSLEngine} offers no channel binding that both ends share (no
 * keying-material exporter, no {@code tls-unique}); its TLS 1.3 session ids differ between the two ends, and a TLS
 * 1.2 session id is public and chosen by the peers, so a relay could copy it.
 *
 * @param address "IP:PORT" of the member ("[v6]:PORT" for IPv6)
 * @param certificate hex SHA-256 of the member's DER certificate; empty on a plain connection
 */
public record ProofTarget(String address, Optional<String> certificate) {

  /** The target of a connection to (or, at the member, from) {@code member}, over TLS if {@code cert} is given. */
  public static ProofTarget of(InetSocketAddress member, Optional<Certificate> cert) {
    String host = InetAddresses.toUriString(member.getAddress());
    return new ProofTarget(host + ":" + member.getPort(), cert.map(ProofTarget::sha256));
  }

  /** What the proof's MAC covers after the daemon, time and nonce. */
  byte[] text() {
    return (address + "\n" + certificate.orElse("plain")).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return address + certificate.map(c -> " (certificate " + c.substring(0, 16) + "...)").orElse("");
  }

  private static String sha256(Certificate cert) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encode the member's certificate", e);
    }
  }
}
