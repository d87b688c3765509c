package io.dyad.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dyad status}: the cluster as a table. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show the cluster: centers, pairs, who is live, who is failed over, resync progress, gateways.")
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ZkOptions zk;

  @Option(names = "--json", description = "Print one JSON document instead of tables.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    LogLevels.forCommand();
    PrintWriter out = spec.commandLine().getOut();
    try (ClusterSession cluster = ClusterSession.open(zk.config())) {
      StatusReport report = new StatusReport(cluster.snapshot());
      if (json) {
        out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report.json()));
      } else {
        out.print(report.table());
      }
      out.flush();
    }
    return ExitCodes.OK;
  }
}
