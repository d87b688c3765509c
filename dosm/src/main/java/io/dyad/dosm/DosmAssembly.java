package io.dyad.dosm;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.MetricRegistry;
import io.dyad.common.DyadException;
import io.dyad.common.DyadVersion;
import io.dyad.coordinator.Coordination;
import io.dyad.coordinator.model.GatewayInfo;
import java.util.Optional;

/**
 * The DOSM role, assembled: the object gateway, its registration under /dyad/dosm once it serves, and (if it may)
 * its candidacy to run the rebalancer. The one assembly that {@code dyad dosm}, {@code dyad local}, the benchmarks
 * and the tests start.
 */
public final class DosmAssembly {
  /**
   * @param dosm the gateway's own settings
   * @param rebalanceMibPerSecond the pace of the rebalancer, should this DOSM win the latch; 0: it never rebalances
   */
  public record Config(DosmConfig dosm, long rebalanceMibPerSecond) {
    public Config {
      requireNonNull(dosm, "dosm");
    }
  }

  private DosmAssembly() {}

  /**
   * @param coordination the session it registers on; the view may be started with the DOSM (it needs it only
   *     once it serves)
   * @throws DyadException INVALID_ARGUMENT for a negative rebalancing pace
   */
  public static Dosm create(Config config, Coordination coordination, MetricRegistry metrics) throws DyadException {
    if (config.rebalanceMibPerSecond() < 0) {
      throw DyadException.invalidArgument("the rebalancing pace (--rebalance-mib-per-second) must not be negative");
    }
    String instance = config.dosm().instance();
    Optional<Dosm.Rebalancing> rebalancing = config.rebalanceMibPerSecond() == 0 ? Optional.empty()
        : Optional.of(new Dosm.Rebalancing(coordination.zk().rebalancerLatch(instance),
            coordination.zk().rebalanceLedger(), RebalanceSettings.of(config.rebalanceMibPerSecond())));
    return Dosm.create(config.dosm(), coordination.view(), metrics, bound -> coordination.zk().dosmRegistration(
        new GatewayInfo(instance, bound.getAddress().getHostAddress() + ":" + bound.getPort(),
            System.currentTimeMillis(), DyadVersion.get())), rebalancing);
  }
}
