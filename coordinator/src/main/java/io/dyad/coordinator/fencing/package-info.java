/** Fencing: what a cluster member may do now, from its registration and the cluster view. */
package io.dyad.coordinator.fencing;
