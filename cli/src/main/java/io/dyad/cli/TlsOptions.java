package io.dyad.cli;

import io.dyad.common.DyadException;
import io.dyad.rpc.tls.Tls;
import io.dyad.rpc.tls.TlsFiles;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * TLS settings of a daemon or command: given a CA (option or {@code $DYAD_TLS_CA}), every Thrift link it opens or
 * serves runs TLS. Read once, when first needed.
 */
final class TlsOptions {
  @Option(names = "--tls-ca", paramLabel = "FILE",
      description = "PEM file of the CA whose certificates the cluster's members carry; turns TLS on for every link "
          + "(default: $DYAD_TLS_CA).")
  Path ca;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "This side's certificate: a PEM file (certificate first, then intermediates) or a PKCS#12 "
          + "keystore (default: $DYAD_TLS_CERT). Daemons need one; clients when servers require client certificates.")
  Path certificate;

  @Option(names = "--tls-key", paramLabel = "FILE",
      description = "The PEM private key (unencrypted PKCS#8, readable by its owner only) of --tls-cert "
          + "(default: $DYAD_TLS_KEY).")
  Path key;

  @Option(names = "--tls-keystore-password-file", paramLabel = "FILE",
      description = "File whose first line is the password of a PKCS#12 --tls-cert (readable by its owner only).")
  Path keystorePassword;

  @Option(names = "--tls-require-client-cert",
      description = "Servers: refuse clients without a certificate from the CA (mutual TLS).")
  boolean requireClientCertificates;

  private Optional<Tls> loaded;

  /** The TLS context, or empty if no CA was given (plain links). */
  Optional<Tls> load() throws DyadException {
    if (loaded == null) {
      Optional<Path> caFile = FileOptions.optionOrEnv(ca, "DYAD_TLS_CA");
      loaded = caFile.isEmpty() ? Optional.empty() : Optional.of(new TlsFiles(caFile.get(),
          FileOptions.optionOrEnv(certificate, "DYAD_TLS_CERT"), FileOptions.optionOrEnv(key, "DYAD_TLS_KEY"),
          Optional.ofNullable(keystorePassword), requireClientCertificates).load());
    }
    return loaded;
  }

  /** Like {@link #load()}, for a daemon: it serves, so it needs a certificate of its own. */
  Optional<Tls> loadForDaemon(String daemon) throws DyadException {
    Optional<Tls> tls = load();
    if (tls.isPresent() && FileOptions.optionOrEnv(certificate, "DYAD_TLS_CERT").isEmpty()) {
      throw DyadException.invalidArgument(daemon + " serves TLS and needs a certificate: give --tls-cert and "
          + "--tls-key (or $DYAD_TLS_CERT and $DYAD_TLS_KEY)");
    }
    return tls;
  }

}
