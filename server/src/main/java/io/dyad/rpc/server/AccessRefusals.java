package io.dyad.rpc.server;

import io.dyad.server.LogLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a server notes the callers it refused — a member proof that failed, a member call on a connection that
 * never authenticated, a locator or credential that does not permit what was asked — and the unbound proofs it
 * accepted while upgrading. Each is counted, and logged with the peer's address at most once a minute per peer
 * and kind ({@link LogLimiter}): strangers cause these, so they must not flood the log. Thread-safe.
 */
public final class AccessRefusals {
  private static final Logger LOG = LoggerFactory.getLogger(AccessRefusals.class);

  private final String server;
  private final Runnable authRefused;
  private final Runnable credentialRefused;
  private final Runnable unboundAccepted;

  /**
   * @param server how log lines name this server, e.g. "member=a1" or "dosm=d1"
   * @param authRefused counts a failed member authentication (a bad proof, or a member call without one)
   * @param credentialRefused counts a refused locator or operator's credential
   * @param unboundAccepted counts an unbound proof accepted (from a daemon of an older version)
   */
  public AccessRefusals(String server, Runnable authRefused, Runnable credentialRefused, Runnable unboundAccepted) {
    this.server = server;
    this.authRefused = authRefused;
    this.credentialRefused = credentialRefused;
    this.unboundAccepted = unboundAccepted;
  }

  /** Counts nothing and logs as "server". */
  public static AccessRefusals uncounted(String server) {
    return new AccessRefusals(server, () -> {}, () -> {}, () -> {});
  }

  /** A caller failed to authenticate as a Dyad daemon, or called a member method without doing so. */
  public void authRefused(String what, String why) {
    authRefused.run();
    String peer = peerHost();
    LogLimiter.warn(LOG, "auth-refused:" + server + ":" + peer, "[{}] refused {} from {}: {}", server, what,
        peer(), why);
  }

  /** A locator or operator's credential did not permit {@code what}. */
  public void credentialRefused(String what, String why) {
    credentialRefused.run();
    String peer = peerHost();
    LogLimiter.warn(LOG, "credential-refused:" + server + ":" + peer, "[{}] refused the credential of {} from {}: {}",
        server, what, peer(), why);
  }

  /** An unbound proof was accepted (this member accepts them while upgrading). */
  public void unboundAccepted(String daemon) {
    unboundAccepted.run();
    String peer = peerHost();
    LogLimiter.warn(LOG, "auth-unbound:" + server + ":" + peer, "[{}] accepted an unbound proof of {} from {}: a "
        + "daemon of an older version; once all are upgraded, restart without --accept-unbound-proofs", server,
        daemon, peer());
  }

  private static String peerHost() {
    return CallContext.current().map(CallContext::peerHost).orElse("unknown");
  }

  private static String peer() {
    return CallContext.current().map(CallContext::peer).orElse("an unknown peer");
  }
}
