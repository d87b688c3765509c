package io.dyad.cli;

import com.google.common.net.HostAndPort;
import picocli.CommandLine;

/** Parses HOST:PORT options; a missing or bad port is a usage error naming the value. */
final class HostPortConverter implements CommandLine.ITypeConverter<HostAndPort> {
  @Override
  public HostAndPort convert(String value) {
    return convertOrRefuse(value);
  }

  /** As an option value would be parsed, for a value from elsewhere ({@code where} names it in the error). */
  static HostAndPort parse(String value, String where) throws io.dyad.common.DyadException {
    try {
      return convertOrRefuse(value);
    } catch (CommandLine.TypeConversionException e) {
      throw io.dyad.common.DyadException.invalidArgument(where + ": " + e.getMessage());
    }
  }

  private static HostAndPort convertOrRefuse(String value) {
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
