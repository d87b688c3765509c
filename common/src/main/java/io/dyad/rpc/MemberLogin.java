package io.dyad.rpc;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.access.DaemonAuth;
import io.dyad.common.access.ProofTarget;
import io.dyad.rpc.ThriftClientConfig.DaemonCredential;
import org.apache.thrift.protocol.TProtocol;

/**
 * How a daemon authenticates a new connection to a member (storage node, directory server): with a proof bound to
 * the member at the other end of the connection ({@link ThriftConnections#proofTarget}). A member of an older
 * version knows no bound proofs and refuses them; so after a refusal the daemon sends an unbound proof, which such a
 * member accepts and a current member refuses (unless it accepts them while upgrading). The error reported is the
 * first refusal's.
 */
public final class MemberLogin {
  private MemberLogin() {}

  /** Sends one proof on the connection: the member's {@code authenticate} call. */
  @FunctionalInterface
  public interface Sender {
    void send(DaemonAuth.Proof proof) throws DyadException;
  }

  /** Authenticates a connection {@link ThriftConnections#open} made. */
  public static void authenticate(DaemonCredential credential, TProtocol protocol, Sender sender)
      throws DyadException {
    authenticate(credential, ThriftConnections.proofTarget(protocol), sender);
  }

  /**
   * Sends a proof bound to {@code target} and, if the member refuses it, an unbound one.
   *
   * @throws DyadException ACCESS_DENIED if the member refuses both proofs, or what the connection failed with
   */
  public static void authenticate(DaemonCredential credential, ProofTarget target, Sender sender)
      throws DyadException {
    try {
      sender.send(credential.auth().prove(credential.daemon(), target));
    } catch (DyadException bound) {
      if (bound.code() != ErrorCode.ACCESS_DENIED) {
        throw bound;
      }
      try {
        sender.send(credential.auth().proveUnbound(credential.daemon()));
      } catch (DyadException unbound) {
        bound.addSuppressed(unbound);
        throw bound;
      }
    }
  }
}
