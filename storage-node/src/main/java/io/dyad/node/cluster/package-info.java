/**
 * A storage node as a cluster member: fencing ({@link io.dyad.node.cluster.ClusterGate}), answering multicast
 * search ({@link io.dyad.node.cluster.ObjectQuestions}), and catching up with its partner when it returns
 * ({@link io.dyad.node.cluster.Resyncer}).
 */
package io.dyad.node.cluster;
