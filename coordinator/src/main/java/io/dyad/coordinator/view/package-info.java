/**
 * The read-side model of the cluster that every router uses: a watched cache of Dyad's znodes
 * ({@link io.dyad.coordinator.view.CuratorClusterView}) turned into immutable
 * {@link io.dyad.coordinator.view.ClusterSnapshot}s, with listeners and no polling.
 */
package io.dyad.coordinator.view;
