package io.dyad.cli;

import io.dyad.client.FileEntry;
import io.dyad.common.DyadException;
import io.dyad.common.ObjectId;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dyad fs}: files and directories by VOLUME:/PATH, through a DDM (the bytes through a DOSM). */
@Command(name = "fs", mixinStandardHelpOptions = true,
    description = "Files and directories by VOLUME:/PATH (e.g. photos:/2026/a.jpg).",
    subcommands = {FsCommand.Mkdir.class, FsCommand.Ls.class, FsPutCommand.class, FsGetCommand.class,
        FsCommand.Cat.class, FsCommand.Mv.class, FsCommand.Rm.class, FsCommand.Stat.class, FsCommand.Locate.class})
final class FsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "name a file command: mkdir, ls, put, get, cat, mv, rm, stat or locate");
  }

  static String describe(FileEntry e) {
    return String.format("%s %12d  %s  %s", e.directory() ? "d" : "-", e.length(),
        Instant.ofEpochMilli(e.modifiedAt()), e.directory() ? e.name() + "/" : e.name());
  }

  @Command(name = "mkdir", mixinStandardHelpOptions = true, description = "Make a directory.")
  static final class Mkdir implements Callable<Integer> {
    @Mixin FsOptions fs;

    @Option(names = {"-p", "--parents"}, description = "Make missing parents too; an existing directory is fine.")
    boolean parents;

    @Parameters(index = "0", paramLabel = "VOLUME:/PATH") String target;

    @Override
    public Integer call() throws DyadException {
      LogLevels.forCommand();
      FsOptions.Target t = FsOptions.Target.parse(target);
      try (FsOptions.Clients c = fs.connect()) {
        c.files().mkdir(t.volume(), t.path(), parents);
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "ls", mixinStandardHelpOptions = true,
      description = "List a directory (type, length, modification time, name), in name order.")
  static final class Ls implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin FsOptions fs;

    @Parameters(index = "0", paramLabel = "VOLUME:/PATH") String target;

    @Option(names = "--json", description = "Print a JSON array of the entries.") boolean json;

    @Override
    public Integer call() throws DyadException {
      LogLevels.forCommand();
      FsOptions.Target t = FsOptions.Target.parse(target);
      PrintWriter out = spec.commandLine().getOut();
      try (FsOptions.Clients c = fs.connect()) {
        if (json) {
          List<Object> entries = new ArrayList<>();
          String base = t.path().equals("/") ? "" : t.path();
          c.files().list(t.volume(), t.path(), e -> entries.add(JsonOut.entry(t.volume() + ":" + base + "/" + e.name(), e)));
          JsonOut.print(out, entries);
        } else {
          c.files().list(t.volume(), t.path(), e -> out.println(describe(e)));
        }
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  @Command(name = "cat", mixinStandardHelpOptions = true, description = "Write VOLUME:/PATH to standard output.")
  static final class Cat implements Callable<Integer> {
    @Mixin FsOptions fs;

    @Parameters(index = "0", paramLabel = "VOLUME:/PATH") String source;

    @Override
    public Integer call() throws Exception {
      LogLevels.forCommand();
      FsOptions.Target t = FsOptions.Target.parse(source);
      try (FsOptions.Clients c = fs.connect()) {
        c.files().get(t.volume(), t.path(), System.out);
      }
      System.out.flush();
      return ExitCodes.OK;
    }
  }

  @Command(name = "mv", mixinStandardHelpOptions = true,
      description = "Move a file or directory within its volume (the target must not exist).")
  static final class Mv implements Callable<Integer> {
    @Mixin FsOptions fs;

    @Parameters(index = "0", paramLabel = "VOLUME:/FROM") String source;

    @Parameters(index = "1", paramLabel = "VOLUME:/TO") String target;

    @Override
    public Integer call() throws DyadException {
      LogLevels.forCommand();
      FsOptions.Target from = FsOptions.Target.parse(source);
      FsOptions.Target to = FsOptions.Target.parse(target);
      if (!from.volume().equals(to.volume())) {
        throw DyadException.invalidArgument("mv moves within one volume; " + from + " and " + to
            + " are in different volumes (copy with get and put)");
      }
      try (FsOptions.Clients c = fs.connect()) {
        c.files().rename(from.volume(), from.path(), to.path());
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "rm", mixinStandardHelpOptions = true,
      description = "Remove a file or an empty directory (-r: a directory and everything under it).")
  static final class Rm implements Callable<Integer> {
    @Mixin FsOptions fs;

    @Option(names = {"-r", "--recursive"}, description = "Remove a directory and everything under it.")
    boolean recursive;

    @Parameters(index = "0", paramLabel = "VOLUME:/PATH") String target;

    @Override
    public Integer call() throws DyadException {
      LogLevels.forCommand();
      FsOptions.Target t = FsOptions.Target.parse(target);
      try (FsOptions.Clients c = fs.connect()) {
        c.files().delete(t.volume(), t.path(), recursive);
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "stat", mixinStandardHelpOptions = true,
      description = "Show a file's or directory's entry: type, length, CRC32C, times, version, object.")
  static final class Stat implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin FsOptions fs;

    @Parameters(index = "0", paramLabel = "VOLUME:/PATH") String target;

    @Option(names = "--json", description = "Print JSON.") boolean json;

    @Override
    public Integer call() throws DyadException {
      LogLevels.forCommand();
      FsOptions.Target t = FsOptions.Target.parse(target);
      try (FsOptions.Clients c = fs.connect()) {
        FileEntry e = c.files().stat(t.volume(), t.path());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          JsonOut.print(out, JsonOut.entry(t.toString(), e));
          return ExitCodes.OK;
        }
        out.printf("path      %s%n", t);
        out.printf("type      %s%n", e.directory() ? "directory" : "file");
        if (!e.directory()) {
          out.printf("length    %d%n", e.length());
          out.printf("crc32c    %08x%n", e.crc32c());
          out.printf("object    %s%n", e.objectId().orElse("-"));
        }
        out.printf("created   %s%n", Instant.ofEpochMilli(e.createdAt()));
        out.printf("modified  %s%n", Instant.ofEpochMilli(e.modifiedAt()));
        out.printf("version   %d%n", e.version());
        out.printf("inode     %d%n", e.inode());
        out.flush();
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "locate", mixinStandardHelpOptions = true,
      description = "Show which storage members hold a file's bytes (needs the operator's secret file).")
  static final class Locate implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin FsOptions fs;

    @Parameters(index = "0", paramLabel = "VOLUME:/PATH") String target;

    @Option(names = "--json", description = "Print JSON.") boolean json;

    @Override
    public Integer call() throws DyadException {
      LogLevels.forCommand();
      FsOptions.Target t = FsOptions.Target.parse(target);
      try (FsOptions.Clients c = fs.connect()) {
        FileEntry e = c.files().stat(t.volume(), t.path());
        if (e.objectId().isEmpty()) {
          throw DyadException.invalidArgument(t + (e.directory() ? " is a directory" : " is empty")
              + ": no storage member holds bytes for it");
        }
        ObjectCommand.print(spec.commandLine().getOut(), c.objects().locate(ObjectId.of(e.objectId().get())), json);
      }
      return ExitCodes.OK;
    }
  }
}
