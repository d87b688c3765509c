package io.dyad.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports that are free right now on every given loopback address (partners must share a port). They are taken below
 * the system's range of ephemeral ports: a port from that range, free when picked, can be handed to an outgoing
 * connection (a ZooKeeper or Thrift client starting up) before the server that was meant to listen on it binds.
 * Test JVMs that run side by side each take their own share of that range (system property {@code dyad.test.fork},
 * 1 to 4, set by the build for each fork), so that a port one picked is never picked by another before it is bound.
 */
public final class FreePorts {
  private static final int LOWEST = 10_000;
  private static final int FORKS = 4;
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  /** Ports this JVM handed out: two picks in a row must not return the same port before either is bound. */
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  public static int freeOnAll(String... hosts) throws IOException {
    int below = ephemeralRangeStart();
    int low = LOWEST;
    int high = below;
    int fork = Integer.getInteger("dyad.test.fork", 0);
    if (fork >= 1 && fork <= FORKS && below > LOWEST + FORKS * 1000) {
      int share = (below - LOWEST) / FORKS;
      low = LOWEST + (fork - 1) * share;
      high = low + share;
    }
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = below > LOWEST + 1000 ? ThreadLocalRandom.current().nextInt(low, high) : anyPort(hosts[0]);
      if (!HANDED_OUT.contains(port) && allFree(port, hosts) && HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IOException("no port free on all of " + String.join(", ", hosts));
  }

  /** The first of {@code count} consecutive ports free right now on every given address. */
  public static int freeRunOnAll(int count, String... hosts) throws IOException {
    for (int attempt = 0; attempt < 200; attempt++) {
      int first = freeOnAll(hosts);
      boolean all = true;
      for (int i = 1; i < count && all; i++) {
        all = !HANDED_OUT.contains(first + i) && allFree(first + i, hosts) && HANDED_OUT.add(first + i);
      }
      if (all) {
        return first;
      }
    }
    throw new IOException("no " + count + " consecutive ports free on all of " + String.join(", ", hosts));
  }

  private static int anyPort(String host) throws IOException {
    try (ServerSocket first = new ServerSocket()) {
      first.bind(new InetSocketAddress(host, 0));
      return first.getLocalPort();
    }
  }

  /** The first ephemeral port (Linux), or 0 if unknown: then any free port is taken. */
  private static int ephemeralRangeStart() {
    try {
      return Integer.parseInt(Files.readString(EPHEMERAL_RANGE).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static boolean allFree(int port, String... hosts) {
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (String h : hosts) {
        ServerSocket s = new ServerSocket();
        held.add(s);
        s.bind(new InetSocketAddress(h, port));
      }
      return true;
    } catch (IOException e) {
      return false;
    } finally {
      for (ServerSocket s : held) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing a probe
        }
      }
    }
  }
}
