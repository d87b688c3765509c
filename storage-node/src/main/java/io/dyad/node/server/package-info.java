/**
 * The storage node daemon: the Thrift {@code StorageNode} service over an {@link io.dyad.node.store.ObjectStore},
 * started and stopped as one {@link io.dyad.server.ServiceStack}.
 */
package io.dyad.node.server;
