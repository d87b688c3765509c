package io.dyad.cli;

import io.dyad.client.VolumeEntry;
import io.dyad.common.DyadException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dyad volume}: volumes of the namespace, each held by one directory pair. */
@Command(name = "volume", mixinStandardHelpOptions = true,
    description = "Create, list, delete and check volumes.",
    subcommands = {VolumeCommand.Create.class, VolumeCommand.Ls.class, VolumeCommand.Rm.class,
        VolumeCheckCommand.class})
final class VolumeCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a volume command: create, ls, rm or check");
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create a volume on the directory pair that holds the fewest.")
  static final class Create implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin FsOptions fs;

    @Parameters(index = "0", paramLabel = "NAME") String name;

    @Option(names = "--json", description = "Print the new volume as JSON.") boolean json;

    @Override
    public Integer call() throws DyadException {
      LogLevels.forCommand();
      try (FsOptions.Clients c = fs.connect()) {
        VolumeEntry v = c.files().createVolume(name);
        if (json) {
          JsonOut.print(spec.commandLine().getOut(), JsonOut.volume(v));
          return ExitCodes.OK;
        }
        spec.commandLine().getOut().printf("volume %s created on directory pair %s%n", v.name(), v.directoryPair());
        spec.commandLine().getOut().flush();
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "ls", mixinStandardHelpOptions = true, description = "List the volumes.")
  static final class Ls implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin FsOptions fs;

    @Option(names = "--json", description = "Print a JSON array of the volumes.") boolean json;

    @Override
    public Integer call() throws DyadException {
      LogLevels.forCommand();
      try (FsOptions.Clients c = fs.connect()) {
        List<VolumeEntry> volumes = c.files().listVolumes();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          JsonOut.print(out, volumes.stream().map(JsonOut::volume).toList());
          return ExitCodes.OK;
        }
        out.printf("%-24s %-16s %s%n", "VOLUME", "DIRECTORY PAIR", "CREATED");
        for (VolumeEntry v : volumes) {
          out.printf("%-24s %-16s %s%n", v.name(), v.directoryPair(), Instant.ofEpochMilli(v.createdAt()));
        }
        out.flush();
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "rm", mixinStandardHelpOptions = true, description = "Delete an empty volume.")
  static final class Rm implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin FsOptions fs;

    @Parameters(index = "0", paramLabel = "NAME") String name;

    @Override
    public Integer call() throws DyadException {
      LogLevels.forCommand();
      try (FsOptions.Clients c = fs.connect()) {
        c.files().deleteVolume(name);
      }
      return ExitCodes.OK;
    }
  }
}
