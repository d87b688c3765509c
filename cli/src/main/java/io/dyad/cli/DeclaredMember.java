package io.dyad.cli;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.coordinator.view.ClusterView;

/** A member daemon's declaration in the cluster, checked against what the daemon was started as. */
final class DeclaredMember {
  private DeclaredMember() {}

  /**
   * @param what how the operator names this kind, e.g. "a storage node"
   * @param listen the --listen given, or null
   * @throws DyadException NOT_FOUND if {@code id} is not declared; INVALID_ARGUMENT if it is another kind of member or
   *     --listen is not its declared address (partners find each other by the declared address)
   */
  static MemberInfo of(ClusterView view, String id, MemberKind kind, String what, HostAndPort listen,
      String zkConnect) throws DyadException {
    MemberInfo m = view.current().members().get(id);
    if (m == null) {
      throw DyadException.notFound("member " + id + " is not declared in the cluster at " + zkConnect);
    }
    if (m.kind() != kind) {
      throw DyadException.invalidArgument("member " + id + " is a " + m.kind().json() + " member, not " + what);
    }
    HostAndPort declared = HostAndPort.fromString(m.address());
    if (listen != null && !listen.equals(declared)) {
      throw new DyadException(ErrorCode.INVALID_ARGUMENT, "member " + id + " is declared at " + declared
          + " but --listen is " + listen + "; partners find each other by the declared address");
    }
    return m;
  }
}
