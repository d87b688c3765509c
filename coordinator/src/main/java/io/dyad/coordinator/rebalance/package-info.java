/**
 * What the rebalancer keeps in ZooKeeper: a latch that lets one DOSM rebalance at a time
 * ({@link io.dyad.coordinator.rebalance.RebalancerLatch}) and its progress, {@code /dyad/rebalance}
 * ({@link io.dyad.coordinator.rebalance.RebalanceLedger}), written only while it holds the latch.
 * The interfaces are public; their ZooKeeper implementations are package-private, built through
 * {@link io.dyad.coordinator.ZkSession}.
 */
package io.dyad.coordinator.rebalance;
