package io.dyad.cli;

import io.dyad.common.DyadException;
import io.dyad.common.access.ClusterSecret;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What a daemon or command needs to be let in: the cluster secret file, for a cluster with access control
 * ({@code --secret-file FILE}, else {@code $DYAD_SECRET_FILE}; none in a cluster without), and the TLS settings, for
 * a cluster that runs TLS ({@link TlsOptions}).
 */
final class SecurityOptions {
  @Mixin TlsOptions tls;

  @Option(names = "--secret-file", paramLabel = "FILE",
      description = "The cluster secret (for a cluster with access control; default: $DYAD_SECRET_FILE).")
  Path file;

  Optional<Path> path() {
    return FileOptions.optionOrEnv(file, "DYAD_SECRET_FILE");
  }

  Optional<ClusterSecret> load() throws DyadException {
    Optional<Path> p = path();
    return p.isEmpty() ? Optional.empty() : Optional.of(ClusterSecret.load(p.get()));
  }
}
