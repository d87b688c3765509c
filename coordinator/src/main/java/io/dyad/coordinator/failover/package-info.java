/**
 * The coordinator: a Curator {@code LeaderLatch} elects one of several coordinators, and only the leader
 * declares failover and failback, each as one ZooKeeper transaction that also checks it still holds the
 * latch and bumps the epoch. {@link io.dyad.coordinator.failover.FailoverPolicy} decides (a pure function of
 * the cluster snapshot); {@link io.dyad.coordinator.failover.FailoverWriter} writes;
 * {@link io.dyad.coordinator.failover.CoordinatorService} runs them.
 */
package io.dyad.coordinator.failover;
