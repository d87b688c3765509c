package io.dyad.cli;

import io.dyad.rpc.server.ThriftServerConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How a daemon's Thrift server treats its connections; shared by {@code dyad node}, {@code dyad dosm}, {@code local}. */
final class ServerOptions {
  @Option(names = "--max-connections", defaultValue = "4096",
      description = "Connections open at once (a quarter of them from one address); more are closed on accept "
          + "(default: ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(names = "--idle-seconds", defaultValue = "300",
      description = "Close a connection idle this long (default: ${DEFAULT-VALUE}).")
  long idleSeconds;

  @Option(names = "--frame-timeout-seconds", defaultValue = "30",
      description = "Close a connection whose request does not arrive completely within this long (default: "
          + "${DEFAULT-VALUE}).")
  long frameTimeoutSeconds;

  @Option(names = "--idle-seconds-under-pressure", defaultValue = "15",
      description = "Close a connection idle this long while three quarters of --max-connections are open (until "
          + "fewer than half are) (default: ${DEFAULT-VALUE}).")
  long idleSecondsUnderPressure;

  @Option(names = "--stalled-frame-seconds", defaultValue = "2",
      description = "Close a connection that sends nothing more of a started request for this long while other "
          + "clients wait for request memory (default: ${DEFAULT-VALUE}).")
  long stalledFrameSeconds;

  /** The server's settings for chunks of up to {@code maxChunkBytes}, with these options applied. */
  ThriftServerConfig config(InetSocketAddress bind, int maxChunkBytes) {
    ThriftServerConfig defaults = ThriftServerConfig.forChunks(bind, maxChunkBytes);
    return defaults.withMaxConnections(maxConnections, Math.max(1, maxConnections / 4))
        .withTimeouts(Duration.ofSeconds(idleSeconds), Duration.ofSeconds(frameTimeoutSeconds), defaults.writeTimeout())
        .withPressureTimeouts(Duration.ofSeconds(Math.min(idleSeconds, idleSecondsUnderPressure)),
            Duration.ofSeconds(stalledFrameSeconds));
  }
}
