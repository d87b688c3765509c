/**
 * A member's presence in the cluster: its ephemeral liveness znode, kept registered across session loss,
 * and the fencing signal (may this member take writes now?) that follows from it.
 */
package io.dyad.coordinator.membership;
