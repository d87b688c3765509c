package io.dyad.dosm;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import io.dyad.common.access.ClusterSecret;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.rpc.server.ThriftServerConfig;
import io.dyad.search.MulticastSettings;
import java.time.Duration;
import java.util.Optional;

/**
 * A DOSM's settings. Immutable.
 *
 * @param instance this DOSM's id (its znode under /dyad/dosm)
 * @param server where and how its Thrift service listens
 * @param nodes how it connects to storage nodes; the request timeout bounds how long a stalled node can hold a
 *     client up before the partner is tried
 * @param maxChunkBytes the largest chunk a client may send or ask for (at most the nodes' limit)
 * @param searchMode "multicast" or "point-to-point"
 * @param multicast interface and TTL for multicast search
 * @param searchTimeout how long one center's search waits for answers
 * @param puts how many puts clients may hold open, and for how long
 * @param maxConnectionsPerNode connections to one storage node at most (a caller waits for one up to the node
 *     request timeout)
 * @param secret the cluster secret locators are checked with (empty in a cluster without access control; it must
 *     match the cluster's, or the DOSM refuses to start)
 */
public record DosmConfig(String instance, ThriftServerConfig server, ThriftClientConfig nodes, int maxChunkBytes,
    String searchMode, MulticastSettings multicast, Duration searchTimeout, PutLimits puts, int maxConnectionsPerNode,
    Optional<ClusterSecret> secret) {

  public static final String MULTICAST = "multicast";
  public static final String POINT_TO_POINT = "point-to-point";

  public DosmConfig {
    requireNonNull(instance, "instance");
    requireNonNull(server, "server");
    requireNonNull(nodes, "nodes");
    requireNonNull(multicast, "multicast");
    requireNonNull(secret, "secret");
    requireNonNull(searchTimeout, "searchTimeout");
    requireNonNull(puts, "puts");
    checkArgument(searchMode.equals(MULTICAST) || searchMode.equals(POINT_TO_POINT),
        "search mode must be multicast or point-to-point, was '%s'", searchMode);
    checkArgument(maxChunkBytes >= 4096 && server.maxFrameBytes() >= maxChunkBytes, "chunk limit does not fit the frame limit");
    checkArgument(maxConnectionsPerNode >= 2, "maxConnectionsPerNode must be at least 2");
  }
}
