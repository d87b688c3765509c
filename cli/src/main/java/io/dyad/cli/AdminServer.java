package io.dyad.cli;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.codahale.metrics.jmx.JmxReporter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.common.util.concurrent.AbstractIdleService;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A daemon's admin port: plain HTTP on an operator's network, read only. {@code GET /metrics} is the daemon's
 * Dropwizard registry in the Prometheus text format (through Prometheus' own Dropwizard bridge); {@code GET /health}
 * runs the daemon's health checks and answers 200, or 503 naming those that fail; {@code GET /status} is a JSON
 * summary. The same registry is published over JMX under the domain {@code io.dyad}. Two threads serve it, so a slow
 * scraper cannot take more.
 */
final class AdminServer extends AbstractIdleService {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final InetSocketAddress listen;
  private final String daemon;
  private final MetricRegistry metrics;
  private final HealthCheckRegistry health;
  private final Supplier<Map<String, Object>> status;
  private final PrometheusRegistry prometheus = new PrometheusRegistry();
  private HttpServer server;
  private ExecutorService executor;
  private JmxReporter jmx;

  /**
   * @param daemon what the daemon is ("node a1"), shown in /status and /health
   * @param status the daemon's own summary for /status
   */
  AdminServer(InetSocketAddress listen, String daemon, MetricRegistry metrics, HealthCheckRegistry health,
      Supplier<Map<String, Object>> status) {
    this.listen = listen;
    this.daemon = daemon;
    this.metrics = metrics;
    this.health = health;
    this.status = status;
    DropwizardExports.builder().dropwizardRegistry(metrics).register(prometheus);
  }

  /** Where it listens (after start). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  protected void startUp() throws DyadException {
    try {
      server = HttpServer.create(listen, 16);
    } catch (BindException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot serve the admin port on " + listen + ": "
          + e.getMessage() + " (is another daemon using it?)", e);
    } catch (IOException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot serve the admin port on " + listen + ": " + e, e);
    }
    executor = Executors.newFixedThreadPool(2, new ThreadFactoryBuilder().setDaemon(true)
        .setNameFormat("admin-http-%d").build());
    server.setExecutor(executor);
    server.createContext("/metrics", e -> answer(e, this::metricsPage));
    server.createContext("/health", e -> answer(e, this::healthPage));
    server.createContext("/status", e -> answer(e, this::statusPage));
    server.createContext("/", e -> answer(e, () -> new Page(404, "text/plain; charset=utf-8",
        "not found: try /metrics, /health or /status\n".getBytes(StandardCharsets.UTF_8))));
    server.start();
    jmx = JmxReporter.forRegistry(metrics).inDomain("io.dyad").build();
    jmx.start();
    LOG.info("{}: admin port on http://{}:{}/ (metrics, health, status)", daemon,
        server.getAddress().getAddress().getHostAddress(), server.getAddress().getPort());
  }

  @Override
  protected void shutDown() {
    if (jmx != null) {
      jmx.stop();
    }
    if (server != null) {
      server.stop(0);
    }
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  /** An answer: status code, content type, body. */
  record Page(int code, String contentType, byte[] body) {}

  @FunctionalInterface
  private interface PageMaker {
    Page make() throws IOException;
  }

  private void answer(HttpExchange exchange, PageMaker maker) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
        send(exchange, new Page(405, "text/plain; charset=utf-8", "only GET\n".getBytes(StandardCharsets.UTF_8)));
        return;
      }
      Page page;
      try {
        page = maker.make();
      } catch (IOException | RuntimeException e) {
        LOG.warn("{}: admin page {} failed", daemon, exchange.getRequestURI(), e);
        page = new Page(500, "text/plain; charset=utf-8", ("failed: " + e + "\n").getBytes(StandardCharsets.UTF_8));
      }
      send(exchange, page);
    }
  }

  private static void send(HttpExchange exchange, Page page) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", page.contentType());
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(page.code(), head ? -1 : page.body().length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(page.body());
      }
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
