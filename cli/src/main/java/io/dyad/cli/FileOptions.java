package io.dyad.cli;

import java.nio.file.Path;
import java.util.Optional;

/** Files named on the command line, or else by an environment variable (as the ready line of dyad local sets). */
final class FileOptions {
  private FileOptions() {}

  /** {@code option} if given, else the path in {@code $env} if it is set and not blank. */
  static Optional<Path> optionOrEnv(Path option, String env) {
    if (option != null) {
      return Optional.of(option);
    }
    String value = System.getenv(env);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(Path.of(value));
  }
}
