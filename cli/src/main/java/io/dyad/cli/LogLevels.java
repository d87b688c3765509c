package io.dyad.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Sets the root log level once per command: INFO for daemons, WARN for commands, or DYAD_LOG_LEVEL if set. */
public final class LogLevels {
  private LogLevels() {}

  public static void forDaemon() {
    apply(Level.INFO);
  }

  public static void forCommand() {
    apply(Level.WARN);
  }

  private static void apply(Level fallback) {
    String wanted = System.getenv("DYAD_LOG_LEVEL");
    Level level = wanted == null || wanted.isBlank() ? fallback : Level.toLevel(wanted.trim(), fallback);
    if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
      root.setLevel(level);
    }
  }
}
