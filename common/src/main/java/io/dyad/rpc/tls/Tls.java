package io.dyad.rpc.tls;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * The TLS settings one process uses for every Thrift link, as server and as client: TLS 1.3 or 1.2 only, servers
 * optionally requiring client certificates, clients checking that the server's certificate comes from the trusted
 * CA and names the address they connected to. Made by {@link TlsFiles#load()}.
 */
public final class Tls {
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private final SSLContext context;
  private final CertificateRequests certificateRequests;
  private final boolean requireClientCertificates;
  private final String description;

  /**
   * @param keyManagers this side's certificate and key, or null for none (a client that presents none)
   * @param trustManagers what this side accepts from its peers
   */
  Tls(KeyManager[] keyManagers, TrustManager[] trustManagers, boolean requireClientCertificates, String description)
      throws GeneralSecurityException {
    this.certificateRequests = new CertificateRequests(CertificateRequests.first(keyManagers));
    this.context = SSLContext.getInstance("TLS");
    context.init(new KeyManager[] {certificateRequests}, requireNonNull(trustManagers, "trustManagers"), null);
    this.requireClientCertificates = requireClientCertificates;
    this.description = description;
  }

  /** A new engine for one accepted connection. */
  public SSLEngine serverEngine() {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    engine.setEnabledProtocols(PROTOCOLS);
    if (requireClientCertificates) {
      engine.setNeedClientAuth(true);
    }
    return engine;
  }

  /**
   * Runs the TLS handshake over the connected {@code socket} (to {@code host}, the address as the caller named it)
   * within {@code timeout}, and returns the TLS socket to use instead. Closes nothing on failure.
   *
   * @throws IOException on a failed handshake ({@link TlsErrors#describe} explains it)
   */
  public SSLSocket handshake(Socket socket, String host, int port, Duration timeout) throws IOException {
    SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, host, port, true);
    SSLParameters p = tls.getSSLParameters();
    p.setProtocols(PROTOCOLS);
    p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host (its SAN IP or DNS name)
    tls.setSSLParameters(p);
    int before = socket.getSoTimeout();
    tls.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    tls.startHandshake();
    if (certificateRequests.unanswered(tls)) {
      // the server will refuse us as soon as it has read our part: say why now, not with a broken pipe later
      throw new SSLHandshakeException("certificate_required: the server asked for a client certificate and this side "
          + "has none");
    }
    tls.setSoTimeout(before);
    return tls;
  }

  public boolean requiresClientCertificates() {
    return requireClientCertificates;
  }

  /** Protocols offered, strongest first. */
  public static List<String> protocols() {
    return List.of(PROTOCOLS);
  }

  @Override
  public String toString() {
    return description;
  }
}
