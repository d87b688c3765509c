package io.dyad.cli;

import io.dyad.common.DyadException;
import io.dyad.server.tls.DevCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dyad admin dev-ca}: a development CA and certificates signed by it, for trying TLS on a test cluster. A
 * production cluster takes its certificates from the operator's CA.
 */
@Command(name = "dev-ca", mixinStandardHelpOptions = true,
    description = {"Issue a certificate from a development CA kept in --dir (made there if missing): DIR/ca.pem, "
        + "DIR/NAME.pem and DIR/NAME-key.pem (keys readable by their owner only). For test clusters: the CA's key "
        + "lies next to what it signs."})
final class AdminDevCaCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Where the CA and certificates live.")
  Path dir;

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "The certificate's name (its CN).")
  String name;

  @Option(names = "--address", required = true, paramLabel = "ADDRESS",
      description = "An IP address or DNS name the holder is reached at (repeatable); clients check it.")
  List<String> addresses;

  @Option(names = "--days", defaultValue = "365", description = "How long it is valid (default: ${DEFAULT-VALUE}).")
  int days;

  @Override
  public Integer call() throws DyadException {
    LogLevels.forCommand();
    if (days < 1) {
      throw DyadException.invalidArgument("--days must be at least 1, was " + days);
    }
    DevCertificates.Issued issued = DevCertificates.issue(dir, name, addresses, Duration.ofDays(days));
    spec.commandLine().getOut().printf("issued %s for %s, valid %d days: --tls-ca %s --tls-cert %s --tls-key %s%n",
        name, String.join(", ", addresses), days, issued.ca(), issued.certificate(), issued.key());
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
