package io.dyad.cli;

import com.google.common.net.HostAndPort;
import picocli.CommandLine;

/** Parses HOST:PORT options; a missing or bad port is a usage error naming the value. */
final class HostPortConverter implements CommandLine.ITypeConverter<HostAndPort> {
  @Override
  public HostAndPort convert(String value) {
    try {
      HostAndPort hp = HostAndPort.fromString(value);
      if (!hp.hasPort() || hp.getHost().isEmpty()) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not HOST:PORT");
      }
      return hp;
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException("'" + value + "' is not HOST:PORT");
    }
  }
}
