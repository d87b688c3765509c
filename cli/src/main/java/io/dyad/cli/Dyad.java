package io.dyad.cli;

import io.dyad.cli.bench.BenchCommand;
import io.dyad.common.DyadVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dyad} command. */
@Command(name = "dyad", mixinStandardHelpOptions = true, versionProvider = Dyad.Version.class,
    description = "Dyad: a storage cluster that keeps every file in two storage centers.",
    subcommands = {LocalCommand.class, ZkCommand.class, CoordinatorCommand.class, NodeCommand.class,
        DirectoryCommand.class, DosmCommand.class, DdmCommand.class, AdminCommand.class, StatusCommand.class,
        ObjectCommand.class, VolumeCommand.class, FsCommand.class, BenchCommand.class, StopCommand.class, CompletionCommand.class})
public final class Dyad implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a dyad command line and returns its exit code (tests call this directly). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** The whole command tree, with its error handlers and help examples. */
  static CommandLine commandLine() {
    CliErrors errors = new CliErrors();
    CommandLine c = new CommandLine(new Dyad())
        .setExecutionExceptionHandler(errors)
        .setParameterExceptionHandler(errors);
    HelpExamples.attach(c);
    return c;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"dyad " + DyadVersion.get()};
    }
  }
}
