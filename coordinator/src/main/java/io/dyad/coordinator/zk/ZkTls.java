package io.dyad.coordinator.zk;

import static java.util.Objects.requireNonNull;

import io.dyad.common.DyadException;
import io.dyad.rpc.tls.TlsFiles;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.zookeeper.ClientCnxnSocketNetty;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ClientX509Util;

/**
 * TLS to a ZooKeeper ensemble that offers it (its {@code secureClientPort}), with ZooKeeper's own key and trust
 * store settings: the trusted CA as a PEM file, and this side's certificate as a PEM file holding the private key
 * and the certificate chain together, or a PKCS#12 keystore. ZooKeeper checks the server's name against its
 * certificate.
 *
 * @param trustedCa PEM file of the CA the ensemble's certificates come from
 * @param keyStore this side's key and certificate (servers that require client certificates need it)
 * @param keyStorePassword the keystore's password, if it has one (read from a file by the caller)
 */
public record ZkTls(Path trustedCa, Optional<Path> keyStore, Optional<String> keyStorePassword) {
  public ZkTls {
    requireNonNull(trustedCa, "trustedCa");
    requireNonNull(keyStore, "keyStore");
    requireNonNull(keyStorePassword, "keyStorePassword");
  }

  /** The client settings: the Netty client socket, which ZooKeeper needs for TLS, and the stores. */
  ZKClientConfig clientConfig() throws DyadException {
    ZKClientConfig c = new ZKClientConfig();
    c.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
    c.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, ClientCnxnSocketNetty.class.getName());
    try (ClientX509Util x = new ClientX509Util()) {
      c.setProperty(x.getSslTruststoreLocationProperty(), trustedCa.toString());
      c.setProperty(x.getSslTruststoreTypeProperty(), "PEM");
      if (keyStore.isPresent()) {
        c.setProperty(x.getSslKeystoreLocationProperty(), keyStore.get().toString());
        c.setProperty(x.getSslKeystoreTypeProperty(), isPem(keyStore.get()) ? "PEM" : "PKCS12");
        keyStorePassword.ifPresent(p -> c.setProperty(x.getSslKeystorePasswdProperty(), p));
      }
    }
    return c;
  }

  static boolean isPem(Path file) throws DyadException {
    return TlsFiles.isPem(file, "the ZooKeeper TLS keystore");
  }
}
