package io.dyad.rpc.server;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.dyad.common.DyadException;
import io.dyad.rpc.ThriftErrors;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.TException;
import org.slf4j.Logger;

/**
 * The edge every Thrift handler of a daemon runs its calls through: each call timed ({@code <prefix>.rpc.<method>});
 * a {@link DyadException} becomes the IDL's typed exception ({@link ThriftErrors#toThrift}), counted
 * ({@code <prefix>.errors.<code>}) and logged at debug; anything else the body throws is a fault inside the daemon: it
 * is logged once at ERROR with its stack trace under a fresh id, counted ({@code <prefix>.errors.internal}), and the
 * caller gets a {@code TApplicationException INTERNAL_ERROR} that carries only that id, never the exception's own
 * text (which may name files, addresses or worse). Thread-safe.
 */
public final class HandlerEdge {
  /** One call's body: may throw Dyad errors, which the edge maps. */
  @FunctionalInterface
  public interface Body<T> {
    T run() throws DyadException;
  }

  private final Logger log;
  private final String server;
  private final String metricPrefix;
  private final MetricRegistry metrics;
  /** Each method's timer, looked up once: the call path builds no metric name. */
  private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

  /**
   * @param log the handler's own logger, so that its lines keep their name
   * @param server how log lines name this server, e.g. "member=a1" or "dosm=d1"
   * @param metricPrefix the role's metric prefix, e.g. "storage"
   */
  public HandlerEdge(Logger log, String server, String metricPrefix, MetricRegistry metrics) {
    this.log = log;
    this.server = server;
    this.metricPrefix = metricPrefix;
    this.metrics = metrics;
  }

  /** Runs {@code body} as the call {@code method}; see the class comment for what its failures become. */
  public <T> T call(String method, Body<T> body) throws TException {
    Timer timer = timers.computeIfAbsent(method, m -> metrics.timer(metricPrefix + ".rpc." + m));
    try (Timer.Context ignored = timer.time()) {
      return body.run();
    } catch (DyadException e) {
      log.debug("[{}] {} failed: {}", server, method, e.getMessage());
      metrics.counter(metricPrefix + ".errors." + e.code().name().toLowerCase(Locale.ROOT)).inc();
      throw ThriftErrors.toThrift(e);
    } catch (RuntimeException e) {
      String id = newErrorId();
      log.error("[{}] {} failed unexpectedly (internal error id {})", server, method, id, e);
      metrics.counter(metricPrefix + ".errors.internal").inc();
      throw internalError(id);
    }
  }

  /** What a caller is told of a fault inside the daemon: the id its log line carries, nothing more. */
  static TApplicationException internalError(String id) {
    return new TApplicationException(TApplicationException.INTERNAL_ERROR,
        "internal error, id " + id + ": see the daemon's log");
  }

  /** A short id, random enough that two faults of one daemon's log never share it. */
  private static String newErrorId() {
    return String.format("%012x", ThreadLocalRandom.current().nextLong() & 0xffff_ffff_ffffL);
  }
}
