package io.dyad.coordinator.failover;

import io.dyad.coordinator.Coordination;

/**
 * The coordinator role, assembled: a candidate for the leader latch that, while it leads, declares failovers and
 * failbacks. What {@code dyad coordinator}, {@code dyad local} and the tests all start.
 */
public final class CoordinatorAssembly {
  private CoordinatorAssembly() {}

  /** @param coordination a started view on the session the latch and the decisions use */
  public static CoordinatorService create(CoordinatorConfig config, Coordination coordination) {
    return coordination.zk().coordinator(coordination.view(), config);
  }
}
