package io.dyad.directory.api;

import io.dyad.common.DyadException;
import java.util.regex.Pattern;

/** Volume names: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit. */
public final class Volumes {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private Volumes() {}

  /** @return the name, if valid. @throws DyadException INVALID_ARGUMENT otherwise */
  public static String checkName(String name) throws DyadException {
    if (name == null || !NAME.matcher(name).matches()) {
      throw DyadException.invalidArgument("a volume name is 1-64 letters, digits, '.', '_' or '-', starting with a "
          + "letter or digit: " + (name == null ? "none given" : "'" + name + "'"));
    }
    return name;
  }
}
