package io.dyad.ddm.gateway;

import com.codahale.metrics.MetricRegistry;
import io.dyad.common.DyadException;
import io.dyad.common.DyadVersion;
import io.dyad.coordinator.Coordination;
import io.dyad.coordinator.model.GatewayInfo;

/**
 * The DDM role, assembled: the file-system gateway in front of the directory pairs and its registration under
 * /dyad/ddm once it serves. The one assembly that {@code dyad ddm}, {@code dyad local}, the benchmarks and the tests
 * start.
 */
public final class DdmAssembly {
  private DdmAssembly() {}

  /**
   * @param coordination the session it registers on and a started view of the cluster
   * @throws DyadException INVALID_ARGUMENT if its secret or its links' security are not the cluster's
   */
  public static Ddm create(DdmConfig config, Coordination coordination, MetricRegistry metrics) throws DyadException {
    return Ddm.create(config, coordination.view(), coordination.zk().volumeRegistry(), metrics, bound ->
        coordination.zk().ddmRegistration(new GatewayInfo(config.instance(),
            bound.getAddress().getHostAddress() + ":" + bound.getPort(), System.currentTimeMillis(),
            DyadVersion.get())));
  }
}
