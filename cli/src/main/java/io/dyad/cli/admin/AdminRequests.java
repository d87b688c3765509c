package io.dyad.cli.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one connection's requests, one at a time: GET or HEAD of a known path; the page is made on the page
 * executor (health checks may block) and the answer written back on the connection's I/O thread. While a page is
 * being made the connection is not read; a client that sends its next request before the answer (pipelining) is
 * closed. One per connection, last in its pipeline.
 */
final class AdminRequests extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(AdminRequests.class);

  private final String daemon;
  private final Map<String, Page.Maker> pages;
  private final Executor pageExecutor;
  private boolean busy;

  AdminRequests(String daemon, Map<String, Page.Maker> pages, Executor pageExecutor) {
    this.daemon = daemon;
    this.pages = pages;
    this.pageExecutor = pageExecutor;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (busy) {
      ctx.close();
      return;
    }
    DecoderResult decoded = request.decoderResult();
    if (!decoded.isSuccess()) {
      Page refusal = decoded.cause() instanceof TooLongHttpHeaderException
          ? Page.text(431, "request headers too large\n")
          : decoded.cause() instanceof TooLongHttpLineException ? Page.text(414, "request line too long\n")
          : Page.text(400, "bad request\n");
      send(ctx, refusal, false, false);
      return;
    }
    HttpMethod method = request.method();
    boolean head = method.equals(HttpMethod.HEAD);
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (!head && !method.equals(HttpMethod.GET)) {
      send(ctx, Page.text(405, "only GET\n"), false, keepAlive);
      return;
    }
    String path = new QueryStringDecoder(request.uri()).path();
    Page.Maker maker = pages.getOrDefault(path,
        () -> Page.text(404, "not found: try /metrics, /health or /status\n"));
    busy = true;
    ctx.channel().config().setAutoRead(false);
    try {
      pageExecutor.execute(() -> {
        Page page = make(maker, path);
        ctx.executor().execute(() -> send(ctx, page, head, keepAlive));
      });
    } catch (RejectedExecutionException e) {
      send(ctx, Page.text(503, "busy\n"), head, false);
    }
  }

  private Page make(Page.Maker maker, String path) {
    try {
      return maker.make();
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: admin page {} failed", daemon, path, e);
      return Page.text(500, "failed: " + e + "\n");
    }
  }

  private void send(ChannelHandlerContext ctx, Page page, boolean head, boolean keepAlive) {
    busy = false;
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(page.code()), head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(page.body()));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, page.contentType());
    HttpUtil.setContentLength(response, page.body().length);
    HttpUtil.setKeepAlive(response, keepAlive);
    if (keepAlive) {
      ctx.writeAndFlush(response);
      ctx.channel().config().setAutoRead(true);
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("{}: admin port connection failed", daemon, cause);
    ctx.close();
  }
}
