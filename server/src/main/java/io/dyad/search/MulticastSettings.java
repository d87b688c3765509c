package io.dyad.search;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;

/**
 * How multicast search datagrams leave and arrive: the network interface (e.g. "lo" on one machine, the
 * storage network's interface in production) and the TTL (0 keeps datagrams on this host; 1 on the local
 * network).
 */
public record MulticastSettings(String interfaceName, int ttl) {
  public MulticastSettings {
    requireNonNull(interfaceName, "interfaceName");
    checkArgument(ttl >= 0 && ttl <= 255, "multicast TTL must be 0-255, was %s", ttl);
  }

  /** Loopback only, TTL 0: for one machine and for tests. */
  public static MulticastSettings loopback() {
    return new MulticastSettings("lo", 0);
  }

  public NetworkInterface networkInterface() throws IOException {
    NetworkInterface nif = NetworkInterface.getByName(interfaceName);
    if (nif == null) {
      throw new SocketException("no network interface named " + interfaceName);
    }
    return nif;
  }
}
