package io.dyad.coordinator.startup;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.access.ClusterSecret;
import io.dyad.coordinator.model.ClusterInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import java.util.Optional;

/**
 * Whether a cluster runs with access control, and whether a daemon holds the right secret for it: the cluster
 * record names the fingerprint of its secret, and a daemon that signs or checks locators must hold the secret with
 * that fingerprint — or none, in a cluster without access control.
 */
public final class AccessControl {
  private AccessControl() {}

  /**
   * The secret the daemon is to use: {@code secret} if the cluster runs with access control and it is the cluster's
   * secret; empty if the cluster runs without.
   *
   * @throws DyadException INVALID_ARGUMENT if the daemon lacks the cluster's secret, holds another one, or holds one
   *     for a cluster that has none (it refuses to start)
   */
  public static Optional<ClusterSecret> verify(ClusterSnapshot s, Optional<ClusterSecret> secret, String daemon)
      throws DyadException {
    ClusterInfo c = s.cluster().orElseThrow(() -> new DyadException(ErrorCode.UNAVAILABLE,
        "the cluster is not initialised (no /dyad/cluster); run dyad admin init first"));
    String wanted = c.secretFingerprint();
    if (wanted == null) {
      if (secret.isPresent()) {
        throw DyadException.invalidArgument(daemon + " was given a cluster secret, but cluster " + c.name()
            + " runs without access control (it was initialised without --secret-file)");
      }
      return Optional.empty();
    }
    if (secret.isEmpty()) {
      throw DyadException.invalidArgument("cluster " + c.name() + " runs with access control: " + daemon
          + " needs the cluster secret (--secret-file FILE or $DYAD_SECRET_FILE)");
    }
    if (!secret.get().fingerprints().contains(wanted)) {
      // during a rotation the file holds the old and the new secret; the cluster's must be one of them
      throw DyadException.invalidArgument(daemon + " was given a secret with fingerprint "
          + String.join(" and ", secret.get().fingerprints()) + ", but cluster " + c.name()
          + " uses the secret with fingerprint " + wanted);
    }
    return secret;
  }
}
