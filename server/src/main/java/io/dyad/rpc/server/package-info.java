/**
 * Dyad's Thrift server: non-blocking connections, request frames buffered as they arrive against a memory
 * budget, timeouts for idle connections, stalled frames and unread replies, and requests served by a fixed set
 * of workers round robin by peer ({@link io.dyad.rpc.server.ThriftServerService}); bounded reply buffers
 * ({@link io.dyad.rpc.server.ReplyBuffers}); and the connection a request came on
 * ({@link io.dyad.rpc.server.CallContext}); and the edge every role's handler runs its calls through, which maps
 * errors to the IDL's exceptions ({@link io.dyad.rpc.server.HandlerEdge}).
 */
package io.dyad.rpc.server;
