package io.dyad.coordinator.startup;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.model.ClusterInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a daemon's Thrift links match its cluster's: a cluster runs TLS on every link or on none (its record says
 * which), so a daemon started the other way would fail every call it makes or takes. It is refused at start with a
 * line that says what to give it.
 */
public final class LinkSecurity {
  private static final Logger LOG = LoggerFactory.getLogger(LinkSecurity.class);

  private LinkSecurity() {}

  /**
   * @param tls whether the daemon was given TLS settings
   * @throws DyadException INVALID_ARGUMENT if the daemon and the cluster differ; UNAVAILABLE if the cluster is not
   *     initialised
   */
  public static void verify(ClusterSnapshot s, boolean tls, String daemon) throws DyadException {
    ClusterInfo c = s.cluster().orElseThrow(() -> new DyadException(ErrorCode.UNAVAILABLE,
        "the cluster is not initialised (no /dyad/cluster); run dyad admin init first"));
    if (c.runsTls() && !tls) {
      throw DyadException.invalidArgument("cluster " + c.name() + " runs TLS on every link: " + daemon + " needs "
          + "--tls-ca, --tls-cert and --tls-key (or $DYAD_TLS_CA, $DYAD_TLS_CERT, $DYAD_TLS_KEY)");
    }
    if (!c.runsTls() && tls) {
      throw DyadException.invalidArgument("cluster " + c.name() + " runs without TLS (it was initialised without "
          + "--tls): " + daemon + " was given TLS settings; a cluster is all TLS or all plain");
    }
    if (!tls) {
      LOG.warn("{}: cluster {} runs without TLS: anyone on the network between its members can read and alter its "
          + "traffic", daemon, c.name());
    }
  }
}
