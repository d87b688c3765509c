/**
 * What the rebalancer keeps in ZooKeeper: a latch that lets one DOSM rebalance at a time
 * ({@link io.dyad.coordinator.rebalance.RebalancerLatch}) and its progress, {@code /dyad/rebalance}
 * ({@link io.dyad.coordinator.rebalance.RebalanceLedger}), written only while it holds the latch.
 */
package io.dyad.coordinator.rebalance;
