package io.dyad.cli;

import picocli.CommandLine.Option;

/** What a member (storage node, directory server) tolerates while the cluster is upgraded one daemon at a time. */
final class UpgradeOptions {
  @Option(names = "--accept-unbound-proofs", defaultValue = "${env:DYAD_ACCEPT_UNBOUND_PROOFS:-false}",
      description = "Accept member proofs that are not bound to this member, as daemons of Dyad versions before "
          + "bound proofs send them: only during a rolling upgrade from such a version (default: "
          + "$DYAD_ACCEPT_UNBOUND_PROOFS, else false).")
  boolean acceptUnboundProofs;
}
