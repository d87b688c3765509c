package io.dyad.cli;

import io.dyad.common.DyadException;
import picocli.CommandLine.Option;

/** How a put or get transfers: a whole tree or not, how many files at once, whether to show progress. */
final class TransferOptions {
  @Option(names = {"-r", "--recursive"}, description = "A whole directory tree.")
  boolean recursive;

  @Option(names = {"-P", "--parallel"}, paramLabel = "N", defaultValue = "4",
      description = "Files transferred at once with -r (1-32; default: ${DEFAULT-VALUE}).")
  int parallel;

  @Option(names = {"-q", "--quiet"}, description = "No progress bar (it shows only on a terminal anyway).")
  boolean quiet;

  int parallel() throws DyadException {
    if (parallel < 1 || parallel > 32) {
      throw DyadException.invalidArgument("--parallel takes 1 to 32, not " + parallel);
    }
    return parallel;
  }

  Progress progress(String label, long total) {
    return Progress.of(label, total, quiet);
  }
}
