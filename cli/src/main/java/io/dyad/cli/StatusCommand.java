package io.dyad.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dyad status}: the cluster as a table. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show the cluster: centers, pairs (joining ones marked), who is live, who is failed over, resync "
        + "progress, the rebalance after a pair was added, gateways.")
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ZkOptions zk;

  @Option(names = "--json", description = "Print one JSON document instead of tables.")
  boolean json;

  @Option(names = "--watch", arity = "0..1", fallbackValue = "1", paramLabel = "SECONDS",
      description = "Redraw every SECONDS (default 1) until interrupted; on a terminal the screen is cleared first.")
  Double watchSeconds;

  @Override
  public Integer call() throws Exception {
    LogLevels.forCommand();
    if (watchSeconds != null && !(watchSeconds >= 0.1 && watchSeconds <= 3600)) {
      throw io.dyad.common.DyadException.invalidArgument("--watch takes 0.1 to 3600 seconds, not " + watchSeconds);
    }
    PrintWriter out = spec.commandLine().getOut();
    boolean terminal = System.console() != null;
    try (ClusterSession cluster = ClusterSession.open(zk.config())) {
      do {
        StatusReport report = new StatusReport(cluster.snapshot(), MemberHealth.of(cluster.snapshot()));
        if (watchSeconds != null && terminal && !json) {
          out.print("\033[H\033[2J"); // home and clear: the table redraws in place
        }
        if (json) {
          JsonOut.print(out, report.json());
        } else {
          out.print(report.table());
          if (watchSeconds != null) {
            out.printf("%n(every %.1f s; Ctrl-C stops)%n", watchSeconds);
          }
        }
        out.flush();
        if (watchSeconds != null) {
          TimeUnit.MILLISECONDS.sleep((long) (watchSeconds * 1000));
        }
      } while (watchSeconds != null);
    }
    return ExitCodes.OK;
  }
}
