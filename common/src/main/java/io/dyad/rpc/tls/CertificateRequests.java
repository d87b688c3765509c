package io.dyad.rpc.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * This side's key manager (or none), noting each client socket that a server asked for a certificate this side
 * could not give. In TLS 1.3 such a client finishes its handshake before the server refuses it, and would learn why
 * only from a broken pipe on its first call; with this note it can say so at once.
 */
final class CertificateRequests extends X509ExtendedKeyManager {
  private final X509KeyManager keys;
  private final Set<Socket> unanswered = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  /** @param keys this side's keys, or null if it has no certificate */
  CertificateRequests(X509KeyManager keys) {
    this.keys = keys;
  }

  /** Whether the server on {@code socket} asked for a certificate this side did not have (forgets the socket). */
  boolean unanswered(Socket socket) {
    return unanswered.remove(socket);
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    String alias = keys == null ? null : keys.chooseClientAlias(keyType, issuers, socket);
    if (alias == null && socket != null) {
      unanswered.add(socket);
    }
    return alias;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return keys instanceof X509ExtendedKeyManager x ? x.chooseEngineClientAlias(keyType, issuers, engine) : null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return keys == null ? null : keys.chooseServerAlias(keyType, issuers, socket);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return keys instanceof X509ExtendedKeyManager x ? x.chooseEngineServerAlias(keyType, issuers, engine) : null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return keys == null ? null : keys.getClientAliases(keyType, issuers);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return keys == null ? null : keys.getServerAliases(keyType, issuers);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return keys == null ? null : keys.getCertificateChain(alias);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return keys == null ? null : keys.getPrivateKey(alias);
  }

  /** The first X.509 key manager of {@code managers}, or null. */
  static X509KeyManager first(javax.net.ssl.KeyManager[] managers) {
    if (managers != null) {
      for (javax.net.ssl.KeyManager m : managers) {
        if (m instanceof X509KeyManager x) {
          return x;
        }
      }
    }
    return null;
  }
}
