package io.dyad.rpc.tls;

import java.io.EOFException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;

/**
 * Turns a failed TLS handshake into one line an operator can act on ("the server's certificate has expired"),
 * instead of the JDK's chain of exceptions.
 */
public final class TlsErrors {
  private TlsErrors() {}

  /**
   * @param e what the handshake threw
   * @param peer who is at the other end, "the server" or "the client"
   */
  public static String describe(Throwable e, String peer) {
    if (hasCause(e, CertificateExpiredException.class)) {
      return peer + "'s certificate has expired";
    }
    if (hasCause(e, CertificateNotYetValidException.class)) {
      return peer + "'s certificate is not valid yet (are the clocks right?)";
    }
    if (hasCause(e, CertPathBuilderException.class)) {
      return peer + "'s certificate is not signed by a CA this side trusts (check --tls-ca)";
    }
    if (hasCause(e, CertPathValidatorException.class)) {
      return peer + "'s certificate chain is not valid: " + rootMessage(e);
    }
    String all = messages(e).toLowerCase(Locale.ROOT);
    if (all.contains("no subject alternative") || all.contains("no name matching")) {
      return peer + "'s certificate does not name the address it was reached at (its subject alternative names)";
    }
    if (all.contains("empty client certificate chain") || all.contains("certificate_required")) {
      return peer.equals("the client")
          ? "the client presented no certificate, and this server requires one (mutual TLS)"
          : "the server requires a client certificate (give --tls-cert and --tls-key)";
    }
    if (all.contains("bad_certificate") || all.contains("certificate_unknown")
        || all.contains("certificate_expired") || all.contains("unknown_ca")) {
      return peer + " refused this side's certificate (" + alert(all) + ": expired, or not from its CA?)";
    }
    if (all.contains("unsupported or unrecognized ssl message") || all.contains("plaintext connection")) {
      return peer.equals("the client")
          ? "the client does not speak TLS (a plain Thrift client? this server requires TLS)"
          : "the server does not speak TLS (does the cluster run without TLS?)";
    }
    if (hasCause(e, SocketTimeoutException.class)) {
      return peer + " did not complete the TLS handshake in time (does it speak TLS?)";
    }
    if (hasCause(e, EOFException.class) || hasCause(e, SocketException.class)
        || all.contains("remote host terminated")) {
      return peer + " closed the connection during the TLS handshake (it may not speak TLS, or it refused this "
          + "side's certificate)";
    }
    String m = e.getMessage();
    return "TLS handshake failed: " + (m == null ? e.getClass().getSimpleName() : m);
  }

  private static String alert(String all) {
    for (String a : new String[] {"bad_certificate", "certificate_unknown", "certificate_expired", "unknown_ca"}) {
      if (all.contains(a)) {
        return a;
      }
    }
    return "alert";
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }

  private static String messages(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      b.append(t.getMessage()).append(" | ");
    }
    return b.toString();
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
