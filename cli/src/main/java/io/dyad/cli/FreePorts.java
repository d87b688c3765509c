package io.dyad.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Ports that are free right now on every given loopback address (partners must share a port). */
public final class FreePorts {
  private FreePorts() {}

  public static int freeOnAll(String... hosts) throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port;
      try (ServerSocket first = new ServerSocket()) {
        first.bind(new InetSocketAddress(hosts[0], 0));
        port = first.getLocalPort();
      }
      if (allFree(port, hosts)) {
        return port;
      }
    }
    throw new IOException("no port free on all of " + String.join(", ", hosts));
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
