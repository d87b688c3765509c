package io.dyad.cli;

import com.google.common.net.HostAndPort;
import com.google.common.util.concurrent.Service;
import io.dyad.cli.admin.AdminLimits;
import io.dyad.cli.admin.AdminServer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/** Where a daemon serves its admin port (/metrics, /health, /status over HTTP), if anywhere. */
final class AdminOptions {
  @Option(names = "--admin-listen", converter = HostPortConverter.class, paramLabel = "HOST:PORT",
      description = "Serve /metrics (Prometheus), /health and /status over HTTP on HOST:PORT (default: a member's "
          + "declared admin address, else no admin port).")
  HostAndPort listen;

  /** The address to serve on: --admin-listen, else {@code declared} (a member's adminAddress), else none. */
  Optional<HostAndPort> address(Optional<String> declared) {
    if (listen != null) {
      return Optional.of(listen);
    }
    return declared.filter(a -> !a.isBlank()).map(HostAndPort::fromString);
  }

  /** The admin server to run beside the daemon (none if no address). */
  List<Service> server(String daemon, Optional<String> declared, Observability o,
      Supplier<Map<String, Object>> status) {
    return address(declared).<List<Service>>map(a -> List.of(new AdminServer(
        new InetSocketAddress(a.getHost(), a.getPort()), daemon, o.metrics(), o.health(), status,
        AdminLimits.defaults())))
        .orElse(List.of());
  }
}
