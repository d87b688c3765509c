package io.dyad.cli.admin;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.codahale.metrics.jmx.JmxReporter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.common.util.concurrent.AbstractIdleService;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.WriteTimeoutHandler;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A daemon's admin port: plain HTTP/1.1 on an operator's network, read only. {@code GET /metrics} is the daemon's
 * Dropwizard registry in the Prometheus text format (through Prometheus' own Dropwizard bridge); {@code GET /health}
 * runs the daemon's health checks and answers 200, or 503 naming those that fail; {@code GET /status} is a JSON
 * summary. The same registry is published over JMX under the domain {@code io.dyad}.
 *
 * <p>One Netty I/O thread serves every connection, so a client that sends slowly or not at all holds no thread;
 * pages are made on two threads (health checks may block), one request per connection at a time. What clients may
 * hold is bounded by {@link AdminLimits}: connections in all and per address, the time to send a request and to take
 * an answer, the size of a request.
 */
public final class AdminServer extends AbstractIdleService {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int PAGE_THREADS = 2;

  private final InetSocketAddress listen;
  private final String daemon;
  private final MetricRegistry metrics;
  private final HealthCheckRegistry health;
  private final Supplier<Map<String, Object>> status;
  private final AdminLimits limits;
  private final PrometheusRegistry prometheus = new PrometheusRegistry();
  private EventLoopGroup io;
  private ThreadPoolExecutor pageThreads;
  private Channel server;
  private JmxReporter jmx;

  /**
   * @param daemon what the daemon is ("node a1"), shown in /status and /health
   * @param status the daemon's own summary for /status
   */
  public AdminServer(InetSocketAddress listen, String daemon, MetricRegistry metrics, HealthCheckRegistry health,
      Supplier<Map<String, Object>> status, AdminLimits limits) {
    this.listen = listen;
    this.daemon = daemon;
    this.metrics = metrics;
    this.health = health;
    this.status = status;
    this.limits = limits;
    DropwizardExports.builder().dropwizardRegistry(metrics).register(prometheus);
  }

  /** Where it listens (after start). */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  @Override
  protected void startUp() throws DyadException {
    io = new NioEventLoopGroup(1, new ThreadFactoryBuilder().setDaemon(true).setNameFormat("admin-http-io").build());
    // at most one page per connection is asked for at a time, so the queue never holds more than the connections
    pageThreads = new ThreadPoolExecutor(PAGE_THREADS, PAGE_THREADS, 0, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(limits.maxConnections()),
        new ThreadFactoryBuilder().setDaemon(true).setNameFormat("admin-http-%d").build());
    Map<String, Page.Maker> pages = Map.of("/metrics", this::metricsPage, "/health", this::healthPage,
        "/status", this::statusPage);
    ConnectionCap cap = new ConnectionCap(daemon, limits);
    ServerBootstrap bootstrap = new ServerBootstrap().group(io).channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 64)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(cap,
                new WriteTimeoutHandler(limits.writeTimeout().toMillis(), TimeUnit.MILLISECONDS),
                new HttpServerCodec(limits.maxHeaderBytes(), limits.maxHeaderBytes(), 8192),
                new HttpObjectAggregator(limits.maxBodyBytes()),
                new RequestDeadline(daemon, limits.requestTimeout()),
                new AdminRequests(daemon, pages, pageThreads));
          }
        });
    try {
      server = bootstrap.bind(listen).sync().channel();
    } catch (Exception e) { // Netty rethrows the bind's own exception, checked or not
      shutDown();
      if (Thread.currentThread().isInterrupted() || e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      String hint = e instanceof BindException ? " (is another daemon using it?)" : "";
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot serve the admin port on " + listen + ": "
          + e.getMessage() + hint, e);
    }
    jmx = JmxReporter.forRegistry(metrics).inDomain("io.dyad").build();
    jmx.start();
    LOG.info("{}: admin port on http://{}:{}/ (metrics, health, status)", daemon,
        address().getAddress().getHostAddress(), address().getPort());
  }

  @Override
  protected void shutDown() {
    if (jmx != null) {
      jmx.stop();
    }
    if (server != null) {
      server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (io != null) {
      io.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (pageThreads != null) {
      pageThreads.shutdownNow();
    }
  }

  Page metricsPage() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    writer.write(out, prometheus.scrape());
    return new Page(200, writer.getContentType(), out.toByteArray());
  }

  Page healthPage() throws IOException {
    SortedMap<String, HealthCheck.Result> results = health.runHealthChecks();
    Map<String, Object> checks = new LinkedHashMap<>();
    StringBuilder failing = new StringBuilder();
    results.forEach((name, r) -> {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("healthy", r.isHealthy());
      one.put("message", r.getMessage());
      checks.put(name, one);
      if (!r.isHealthy()) {
        failing.append(failing.length() == 0 ? "" : ", ").append(name);
      }
    });
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("daemon", daemon);
    body.put("healthy", failing.length() == 0);
    if (failing.length() > 0) {
      body.put("failing", failing.toString());
    }
    body.put("checks", checks);
    return new Page(failing.length() == 0 ? 200 : 503, "application/json", JSON.writeValueAsBytes(body));
  }

  Page statusPage() throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("daemon", daemon);
    body.putAll(status.get());
    return new Page(200, "application/json", JSON.writeValueAsBytes(body));
  }
}
