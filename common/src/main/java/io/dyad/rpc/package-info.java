/**
 * Thrift plumbing shared by every Dyad daemon and client: a bounded, cleanly stoppable server
 * ({@link io.dyad.rpc.server.ThriftServerService}), client connections with timeouts and frame limits
 * ({@link io.dyad.rpc.ThriftConnections}), and the one mapping between Dyad's {@link io.dyad.common.ErrorCode}s
 * and the IDL's typed exceptions ({@link io.dyad.rpc.ThriftErrors}).
 *
 * <p>Wire format everywhere: framed transport, strict binary protocol.
 */
package io.dyad.rpc;
