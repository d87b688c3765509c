package io.dyad.cli.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dyad bench}: the benchmarks. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks that print Dyad's figures beside this machine's raw limits.",
    subcommands = {NodeBench.class, ClusterBench.class, FsBench.class})
public final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a benchmark, e.g. 'dyad bench node'");
  }
}
