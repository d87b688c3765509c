package io.dyad.rpc.server;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.access.DaemonAuth;
import io.dyad.common.access.ProofTarget;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.Set;

/**
 * A member's door: in a cluster with a secret, every call but the few named open (health, status) must come on a
 * connection that authenticated as a Dyad daemon ({@link DaemonAuth}), with a proof made for this member as the
 * connection reaches it. Without a secret every call is let in. Refusals are counted and logged
 * ({@link AccessRefusals}).
 */
public final class CallerCheck {
  private final Optional<DaemonAuth> auth;
  private final Set<String> open;
  private final AccessRefusals refusals;

  /**
   * @param open methods anyone may call (e.g. health, status, ping, authenticate)
   * @param refusals where refused callers are counted and logged
   */
  public CallerCheck(Optional<DaemonAuth> auth, Set<String> open, AccessRefusals refusals) {
    this.auth = auth;
    this.open = open;
    this.refusals = refusals;
  }

  /** Checks a proof (as the wire carries it) and, if it holds, serves the rest of the connection as {@code daemon}. */
  public void authenticate(String daemon, long time, String nonce, ByteBuffer proof) throws DyadException {
    Optional<CallContext> context = CallContext.current();
    if (auth.isPresent()) {
      byte[] mac = null;
      if (proof != null) {
        mac = new byte[proof.remaining()];
        proof.duplicate().get(mac);
      }
      try {
        if (context.isEmpty() || context.get().localAddress() == null) {
          throw new DyadException(ErrorCode.ACCESS_DENIED, "not authenticated as a Dyad daemon of this cluster: "
              + "the connection is gone");
        }
        ProofTarget here = ProofTarget.of(context.get().localAddress(), context.get().localCertificate());
        if (auth.get().verify(daemon, time, nonce, mac, here) == DaemonAuth.Binding.UNBOUND) {
          refusals.unboundAccepted(daemon);
        }
      } catch (DyadException e) {
        refusals.authRefused("authentication as " + printable(daemon), e.getMessage());
        throw e;
      }
    }
    context.ifPresent(c -> c.authenticatedAs(daemon));
  }

  /** @throws DyadException ACCESS_DENIED if {@code method} needs a daemon and the connection is none */
  public void require(String method) throws DyadException {
    if (auth.isEmpty() || open.contains(method)) {
      return;
    }
    Optional<CallContext> c = CallContext.current();
    if (c.isPresent() && c.get().daemon().isEmpty()) {
      refusals.authRefused(method, "the connection did not authenticate as a Dyad daemon");
      throw new DyadException(ErrorCode.ACCESS_DENIED, method + " is served to Dyad daemons of this cluster only: "
          + "authenticate the connection with the cluster secret first (clients go through a DOSM or a DDM)");
    }
  }

  /** A stranger's daemon name, safe for a log line: at most 64 characters, control characters replaced. */
  private static String printable(String daemon) {
    if (daemon == null) {
      return "(no name)";
    }
    String cut = daemon.length() > 64 ? daemon.substring(0, 64) + "..." : daemon;
    return "'" + cut.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}
