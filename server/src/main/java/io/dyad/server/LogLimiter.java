package io.dyad.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Logs a warning (or an info line) at most once a minute per key (e.g. "close:10.0.0.7"), so that a misbehaving peer
 * or a state that lasts (a partner that is down) cannot flood the log; the next line says how many were left out.
 */
public final class LogLimiter {
  private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final int MAX_KEYS = 10_000;
  private static final ConcurrentMap<String, long[]> LAST = new ConcurrentHashMap<>();

  private LogLimiter() {}

  /** As {@code log.warn(format, args)}, unless a line with the same key was logged in the last minute. */
  public static void warn(Logger log, String key, String format, Object... args) {
    if (log.isWarnEnabled()) {
      String line = limited(key, format);
      if (line != null) {
        log.warn(line, args);
      }
    }
  }

  /** As {@code log.info(format, args)}, unless a line with the same key was logged in the last minute. */
  public static void info(Logger log, String key, String format, Object... args) {
    if (log.isInfoEnabled()) {
      String line = limited(key, format);
      if (line != null) {
        log.info(line, args);
      }
    }
  }

  /** The format to log now (with how many lines were left out), or null if a line of {@code key} was logged lately. */
  private static String limited(String key, String format) {
    long now = System.nanoTime();
    if (LAST.size() > MAX_KEYS) {
      LAST.clear();
    }
    long[] state = LAST.computeIfAbsent(key, k -> new long[] {now - INTERVAL_NANOS - 1, 0});
    long suppressed;
    synchronized (state) {
      if (now - state[0] < INTERVAL_NANOS) {
        state[1]++;
        return null;
      }
      state[0] = now;
      suppressed = state[1];
      state[1] = 0;
    }
    return suppressed == 0 ? format : format + " (" + suppressed + " similar lines left out in the last minute)";
  }
}
