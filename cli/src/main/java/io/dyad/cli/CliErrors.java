package io.dyad.cli;

import io.dyad.common.DyadException;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Turns anything a command throws into one sentence on stderr and an exit code; never a stack trace
 * (that goes to the log at DEBUG, for whoever sets DYAD_LOG_LEVEL=DEBUG).
 */
final class CliErrors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(CliErrors.class);

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    DyadException dyad = findDyadException(e);
    LOG.debug("command failed", e);
    if (dyad != null) {
      err.println("dyad: " + dyad.getMessage());
      err.flush();
      return ExitCodes.of(dyad.code());
    }
    if (e instanceof IllegalArgumentException) {
      err.println("dyad: " + e.getMessage());
      err.flush();
      return ExitCodes.USAGE;
    }
    err.println("dyad: " + describe(e) + " (run with DYAD_LOG_LEVEL=DEBUG for details)");
    err.flush();
    return ExitCodes.FAILURE;
  }

  @Override
  public int handleParseException(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("dyad: " + e.getMessage());
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return ExitCodes.USAGE;
  }

  /** The first Dyad error in a cause chain (a service start failure wraps it, for instance). */
  static DyadException findDyadException(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DyadException) {
        return (DyadException) t;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
