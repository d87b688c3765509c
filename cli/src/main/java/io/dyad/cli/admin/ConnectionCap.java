package io.dyad.cli.admin;

import io.dyad.server.LogLimiter;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a new connection at once when the admin port has {@link AdminLimits#maxConnections()} open, or its address
 * {@link AdminLimits#maxConnectionsPerAddress()}; logs it, once a minute per address. One per server, first in every
 * connection's pipeline.
 */
@ChannelHandler.Sharable
final class ConnectionCap extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionCap.class);
  private static final AttributeKey<InetAddress> COUNTED = AttributeKey.valueOf("dyad.admin.counted");

  private final String daemon;
  private final AdminLimits limits;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

  ConnectionCap(String daemon, AdminLimits limits) {
    this.daemon = daemon;
    this.limits = limits;
  }

  /** Connections open now. */
  int open() {
    return open.get();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    InetAddress peer = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
    ctx.channel().attr(COUNTED).set(peer);
    int total = open.incrementAndGet();
    int fromPeer = perAddress.merge(peer, 1, Integer::sum);
    if (total > limits.maxConnections() || fromPeer > limits.maxConnectionsPerAddress()) {
      LogLimiter.warn(LOG, "admin-cap:" + peer.getHostAddress(), "{}: admin port refused a connection from {}: {} "
          + "open, {} from that address (at most {} and {})", daemon, peer.getHostAddress(), total - 1, fromPeer - 1,
          limits.maxConnections(), limits.maxConnectionsPerAddress());
      ctx.close();
      return;
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    InetAddress peer = ctx.channel().attr(COUNTED).getAndSet(null);
    if (peer != null) {
      open.decrementAndGet();
      perAddress.computeIfPresent(peer, (k, n) -> n == 1 ? null : n - 1);
    }
    ctx.fireChannelInactive();
  }
}
