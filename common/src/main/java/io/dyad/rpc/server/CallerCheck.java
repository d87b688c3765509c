package io.dyad.rpc.server;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.access.DaemonAuth;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.Set;

/**
 * A member's door: in a cluster with a secret, every call but the few named open (health, status) must come on a
 * connection that authenticated as a Dyad daemon ({@link DaemonAuth}). Without a secret every call is let in.
 */
public final class CallerCheck {
  private final Optional<DaemonAuth> auth;
  private final Set<String> open;

  /** @param open methods anyone may call (e.g. health, status, ping, authenticate) */
  public CallerCheck(Optional<DaemonAuth> auth, Set<String> open) {
    this.auth = auth;
    this.open = open;
  }

  /** Checks a proof (as the wire carries it) and, if it holds, serves the rest of the connection as {@code daemon}. */
  public void authenticate(String daemon, long time, String nonce, ByteBuffer proof) throws DyadException {
    if (auth.isPresent()) {
      byte[] mac = null;
      if (proof != null) {
        mac = new byte[proof.remaining()];
        proof.duplicate().get(mac);
      }
      auth.get().verify(daemon, time, nonce, mac);
    }
    CallContext.current().ifPresent(c -> c.authenticatedAs(daemon));
  }

  /** @throws DyadException ACCESS_DENIED if {@code method} needs a daemon and the connection is none */
  public void require(String method) throws DyadException {
    if (auth.isEmpty() || open.contains(method)) {
      return;
    }
    Optional<CallContext> c = CallContext.current();
    if (c.isPresent() && c.get().daemon().isEmpty()) {
      throw new DyadException(ErrorCode.ACCESS_DENIED, method + " is served to Dyad daemons of this cluster only: "
          + "authenticate the connection with the cluster secret first (clients go through a DOSM or a DDM)");
    }
  }
}
