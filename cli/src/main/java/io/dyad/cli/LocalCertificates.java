package io.dyad.cli;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.admin.ClusterDescriptionValidator;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.server.tls.DevCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The development certificates of {@code dyad local}: one for all its daemons (they run as one user on one host),
 * valid for every address they listen on, under a CA of its own in {@code DATA/tls}; and the PEM bundle ZooKeeper
 * reads its key and certificate from.
 */
final class LocalCertificates {
  private LocalCertificates() {}

  /** The certificate of the local layout's addresses, issued unless it is valid for another week. */
  static DevCertificates.Issued issue(Path data, int nodePort, int directoryPort) throws DyadException {
    Path dir = data.resolve("tls");
    Path cert = dir.resolve("local.pem");
    if (!validFor(cert, Duration.ofDays(7))) {
      List<String> addresses = new ArrayList<>(List.of("127.0.0.1", "localhost"));
      // the layout's members, those generated in center B by subnet mapping included
      for (MemberInfo m : ClusterDescriptionValidator.validate(LocalCluster.localDescription(nodePort,
          directoryPort)).members()) {
        addresses.add(HostAndPort.fromString(m.address()).getHost());
      }
      DevCertificates.issue(dir, "local", addresses, Duration.ofDays(365));
    }
    return new DevCertificates.Issued(dir.resolve("ca.pem"), cert, dir.resolve("local-key.pem"));
  }

  /** ZooKeeper reads its key and certificate from one PEM file: the two, side by side, readable by the owner only. */
  static Path zooKeeperBundle(DevCertificates.Issued issued) throws DyadException {
    Path bundle = issued.key().resolveSibling("local-zk.pem");
    try {
      String text = Files.readString(issued.key()) + Files.readString(issued.certificate());
      Files.deleteIfExists(bundle);
      Files.createFile(bundle, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(bundle, text);
      return bundle;
    } catch (IOException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot write " + bundle + ": " + e.getMessage(), e);
    }
  }

  private static boolean validFor(Path cert, Duration margin) {
    if (!Files.exists(cert)) {
      return false;
    }
    try (var in = Files.newInputStream(cert)) {
      X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      c.checkValidity(Date.from(Instant.now().plus(margin)));
      return true;
    } catch (IOException | GeneralSecurityException e) {
      return false;
    }
  }
}
