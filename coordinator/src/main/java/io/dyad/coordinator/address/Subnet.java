package io.dyad.coordinator.address;

import com.google.common.net.InetAddresses;
import io.dyad.common.DyadException;
import java.net.InetAddress;
import java.util.Arrays;

/** An IP subnet in CIDR notation, e.g. {@code 10.1.0.0/16} or {@code 127.0.1.0/24}. Immutable. */
public final class Subnet {
  private final byte[] network;
  private final int prefixLength;

  private Subnet(byte[] network, int prefixLength) {
    this.network = network;
    this.prefixLength = prefixLength;
  }

  /** @throws DyadException INVALID_ARGUMENT naming what is wrong with {@code cidr} */
  public static Subnet parse(String cidr) throws DyadException {
    int slash = cidr == null ? -1 : cidr.indexOf('/');
    if (slash < 0) {
      throw DyadException.invalidArgument("subnet '" + cidr + "' is not in CIDR form (e.g. 10.1.0.0/16)");
    }
    String ip = cidr.substring(0, slash);
    if (!InetAddresses.isInetAddress(ip)) {
      throw DyadException.invalidArgument("subnet '" + cidr + "' does not start with an IP address");
    }
    byte[] bytes = InetAddresses.forString(ip).getAddress();
    int prefix;
    try {
      prefix = Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw DyadException.invalidArgument("subnet '" + cidr + "' has no valid prefix length");
    }
    if (prefix < 0 || prefix > bytes.length * 8) {
      throw DyadException.invalidArgument("subnet '" + cidr + "' has a prefix length outside 0-" + bytes.length * 8);
    }
    byte[] masked = mask(bytes, prefix);
    if (!Arrays.equals(masked, bytes)) {
      throw DyadException.invalidArgument("subnet '" + cidr + "' has host bits set; did you mean "
          + InetAddresses.toAddrString(address(masked)) + "/" + prefix + "?");
    }
    return new Subnet(masked, prefix);
  }

  public int prefixLength() {
    return prefixLength;
  }

  public int addressBytes() {
    return network.length;
  }

  public boolean contains(InetAddress a) {
    byte[] b = a.getAddress();
    return b.length == network.length && Arrays.equals(mask(b, prefixLength), network);
  }

  /** The host portion of {@code a} (its bits outside the prefix) placed in this subnet. */
  InetAddress withHostPartOf(InetAddress a) {
    byte[] b = a.getAddress();
    byte[] out = network.clone();
    for (int i = 0; i < out.length; i++) {
      int bitsInPrefix = Math.max(0, Math.min(8, prefixLength - 8 * i));
      int hostMask = 0xff >>> bitsInPrefix;
      out[i] = (byte) ((network[i] & ~hostMask) | (b[i] & hostMask));
    }
    return address(out);
  }

  private static byte[] mask(byte[] bytes, int prefix) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int bitsInPrefix = Math.max(0, Math.min(8, prefix - 8 * i));
      out[i] = (byte) (out[i] & (0xff << (8 - bitsInPrefix)));
    }
    return out;
  }

  private static InetAddress address(byte[] b) {
    try {
      return InetAddress.getByAddress(b);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return InetAddresses.toAddrString(address(network)) + "/" + prefixLength;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Subnet s && s.prefixLength == prefixLength && Arrays.equals(s.network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefixLength;
  }
}
