package io.dyad.coordinator;

import static java.util.Objects.requireNonNull;

import io.dyad.coordinator.view.ClusterView;

/**
 * What a role takes from ZooKeeper to run: its session, and a view of the cluster on that session that the caller
 * has started (and usually read the member's declaration from). Every role's assembly takes one; the caller owns
 * both and closes them after the role has stopped.
 */
public record Coordination(ZkSession zk, ClusterView view) {
  public Coordination {
    requireNonNull(zk, "zk");
    requireNonNull(view, "view");
  }
}
