package io.dyad.coordinator.address;

import com.google.common.net.HostAndPort;
import com.google.common.net.InetAddresses;
import io.dyad.common.DyadException;
import java.net.InetAddress;

/**
 * Derives a member's partner address from its own by rewriting the subnet portion: with centers A =
 * 10.1.0.0/16 and B = 10.2.0.0/16, {@code 10.1.0.11:9100} maps to {@code 10.2.0.11:9100}. The port and the
 * host portion are kept. Both subnets must be the same size.
 */
public final class SubnetMapper {
  private final Subnet from;
  private final Subnet to;

  public SubnetMapper(Subnet from, Subnet to) throws DyadException {
    if (from.prefixLength() != to.prefixLength() || from.addressBytes() != to.addressBytes()) {
      throw DyadException.invalidArgument("subnets " + from + " and " + to
          + " differ in size, so addresses cannot differ only in the subnet portion");
    }
    this.from = from;
    this.to = to;
  }

  /** @throws DyadException INVALID_ARGUMENT if the address is not an IP literal in the first subnet */
  public HostAndPort map(HostAndPort address) throws DyadException {
    InetAddress ip = ipOf(address);
    if (!from.contains(ip)) {
      throw DyadException.invalidArgument("address " + address + " is not in subnet " + from);
    }
    String host = InetAddresses.toAddrString(to.withHostPartOf(ip));
    return address.hasPort() ? HostAndPort.fromParts(host, address.getPort()) : HostAndPort.fromHost(host);
  }

  /** Whether {@code b} is exactly {@code a} with the subnet portion rewritten (same host part and port). */
  public boolean arePartners(HostAndPort a, HostAndPort b) throws DyadException {
    return map(a).equals(normalize(b));
  }

  static InetAddress ipOf(HostAndPort address) throws DyadException {
    if (!InetAddresses.isInetAddress(address.getHost())) {
      throw DyadException.invalidArgument("address " + address + " must be an IP address, not a host name");
    }
    return InetAddresses.forString(address.getHost());
  }

  private static HostAndPort normalize(HostAndPort a) throws DyadException {
    String host = InetAddresses.toAddrString(ipOf(a));
    return a.hasPort() ? HostAndPort.fromParts(host, a.getPort()) : HostAndPort.fromHost(host);
  }
}
