package io.dyad.cli;

import io.dyad.common.DyadException;
import io.dyad.common.access.ClusterSecret;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The cluster secret file, for daemons and commands of a cluster with access control: {@code --secret-file FILE},
 * else {@code $DYAD_SECRET_FILE}; none in a cluster without access control.
 */
final class SecretOptions {
  @Option(names = "--secret-file", paramLabel = "FILE",
      description = "The cluster secret (for a cluster with access control; default: $DYAD_SECRET_FILE).")
  Path file;

  Optional<Path> path() {
    if (file != null) {
      return Optional.of(file);
    }
    String env = System.getenv("DYAD_SECRET_FILE");
    return env == null || env.isBlank() ? Optional.empty() : Optional.of(Path.of(env));
  }

  Optional<ClusterSecret> load() throws DyadException {
    Optional<Path> p = path();
    return p.isEmpty() ? Optional.empty() : Optional.of(ClusterSecret.load(p.get()));
  }
}
