/**
 * The checks every daemon runs as it starts, against the cluster's settings in ZooKeeper: whether its links must be
 * TLS ({@link io.dyad.coordinator.startup.LinkSecurity}) and whether it holds the cluster secret that access control
 * asks for ({@link io.dyad.coordinator.startup.AccessControl}). Operator tooling lives in
 * {@code io.dyad.coordinator.admin}.
 */
package io.dyad.coordinator.startup;
