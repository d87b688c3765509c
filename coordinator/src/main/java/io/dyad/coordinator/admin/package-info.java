/**
 * Putting a cluster into ZooKeeper: the operator's cluster description (YAML), its validation (one-to-one
 * pairs, addresses that differ only in the subnet portion) and the transaction that writes it.
 */
package io.dyad.coordinator.admin;
