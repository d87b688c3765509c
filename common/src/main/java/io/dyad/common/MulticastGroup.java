package io.dyad.common;

import com.google.common.net.HostAndPort;
import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** A center's multicast group, GROUP:PORT, e.g. 239.255.0.1:9301 (administratively scoped). */
public record MulticastGroup(InetAddress group, int port) {

  /** @throws DyadException INVALID_ARGUMENT if it is not a multicast IP address with a port */
  public static MulticastGroup parse(String value) throws DyadException {
    try {
      HostAndPort hp = HostAndPort.fromString(value);
      if (hp.hasPort() && InetAddresses.isInetAddress(hp.getHost())) {
        InetAddress a = InetAddresses.forString(hp.getHost());
        if (a.isMulticastAddress() && hp.getPort() > 0) {
          return new MulticastGroup(a, hp.getPort());
        }
      }
    } catch (IllegalArgumentException e) {
      // refused below
    }
    throw DyadException.invalidArgument("multicast group '" + value + "' is not MULTICAST-IP:PORT (e.g. 239.255.0.1:9301)");
  }

  public InetSocketAddress socketAddress() {
    return new InetSocketAddress(group, port);
  }

  @Override
  public String toString() {
    return InetAddresses.toAddrString(group) + ":" + port;
  }
}
