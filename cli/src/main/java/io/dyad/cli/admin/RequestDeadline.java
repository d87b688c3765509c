package io.dyad.cli.admin;

import io.dyad.server.LogLimiter;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection whose next request has not arrived completely within {@link AdminLimits#requestTimeout()}:
 * the clock starts when the connection opens and again after each answer. Unlike an idle timeout, a client that
 * trickles a byte now and then is closed too. One per connection, after the request aggregator.
 */
final class RequestDeadline extends ChannelDuplexHandler {
  private static final Logger LOG = LoggerFactory.getLogger(RequestDeadline.class);

  private final String daemon;
  private final Duration timeout;
  private ScheduledFuture<?> timer;

  RequestDeadline(String daemon, Duration timeout) {
    this.daemon = daemon;
    this.timeout = timeout;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    arm(ctx);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof FullHttpRequest) {
      disarm();
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof LastHttpContent) { // the end of an answer: the next request's time starts once it is sent
      promise = promise.unvoid();
      promise.addListener(f -> {
        if (f.isSuccess() && ctx.channel().isOpen()) {
          arm(ctx);
        }
      });
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    disarm();
    ctx.fireChannelInactive();
  }

  private void arm(ChannelHandlerContext ctx) {
    disarm();
    timer = ctx.executor().schedule(() -> {
      String peer = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
      LogLimiter.warn(LOG, "admin-slow:" + peer, "{}: admin port closed a connection from {}: no complete request "
          + "within {} s", daemon, peer, timeout.toSeconds());
      ctx.close();
    }, timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void disarm() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
