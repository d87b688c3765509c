/**
 * Dyad's memory and decision-maker, over ZooKeeper and Curator: the znode layout and its JSON codecs
 * ({@code model}, {@code zk}), partner address mapping ({@code address}), cluster initialisation
 * ({@code admin}), member registration ({@code membership}), the watched read-side model every router uses
 * ({@code view}) and the leader-elected coordinator that declares failover and failback ({@code failover}).
 * Only this module imports Curator and ZooKeeper.
 */
package io.dyad.coordinator;
