package io.dyad.cli;

import io.dyad.client.DyadClient;
import io.dyad.client.Located;
import io.dyad.common.DyadException;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dyad object}: objects through a DOSM. */
@Command(name = "object", mixinStandardHelpOptions = true, description = "Store, read, inspect and delete objects.",
    subcommands = {ObjectCommand.Put.class, ObjectCommand.Get.class, ObjectCommand.Stat.class, ObjectCommand.Rm.class,
        ObjectCommand.Locate.class})
final class ObjectCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name an object command: put, get, stat, rm or locate");
  }


  static Map<String, Object> describe(ObjectMeta m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", m.id().value());
    out.put("length", m.length());
    out.put("crc32c", m.crcHex());
    out.put("writtenAt", Instant.ofEpochMilli(m.writtenAtMillis()).toString());
    return out;
  }

  @Command(name = "put", mixinStandardHelpOptions = true,
      description = "Store a file (- for standard input); prints the new object id. A progress bar shows on a terminal.")
  static final class Put implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "FILE", description = "The file to store, or - for standard input.")
    String file;

    @Option(names = "--id", description = "Use this object id instead of a new random one.")
    String id;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.") boolean quiet;

    @Option(names = "--json", description = "Print the object's record as JSON instead of its id.") boolean json;

    @Override
    public Integer call() throws Exception {
      LogLevels.forCommand();
      // a chosen id makes a retry on another gateway store nothing twice
      ObjectId objectId = id == null ? ObjectId.random() : ObjectId.of(id);
      boolean stdin = file.equals("-");
      Path path = Path.of(file);
      if (!stdin && !Files.isRegularFile(path)) {
        throw DyadException.invalidArgument("cannot read " + file + ": no such file");
      }
      try (DyadClient c = client.connect();
          Progress progress = Progress.of(stdin ? "stdin" : path.getFileName().toString(),
              stdin ? -1 : Files.size(path), quiet)) {
        ObjectMeta m = stdin
            ? c.put(Optional.of(objectId), DyadClient.Source.once(progress.counting(System.in), "standard input"), -1)
            : c.put(Optional.of(objectId), progress.rereadable(() -> Files.newInputStream(path)), Files.size(path));
        progress.close();
        if (json) {
          JsonOut.print(spec.commandLine().getOut(), describe(m));
        } else {
          spec.commandLine().getOut().println(m.id().value());
          spec.commandLine().getOut().flush();
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true,
      description = "Read an object into FILE (- for standard output); its checksum is verified.")
  static final class Get implements Callable<Integer> {
    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "ID") String id;

    @Parameters(index = "1", paramLabel = "FILE") String target;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.") boolean quiet;

    @Override
    public Integer call() throws Exception {
      LogLevels.forCommand();
      ObjectId objectId = ObjectId.of(id);
      try (DyadClient c = client.connect()) {
        if (target.equals("-")) {
          c.get(objectId, System.out);
          System.out.flush();
          return ExitCodes.OK;
        }
        try (Progress progress = Progress.of(id, c.stat(objectId).length(), quiet)) {
          LocalFiles.replace(Path.of(target), out -> c.get(objectId, progress.counting(out)));
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "stat", mixinStandardHelpOptions = true, description = "Show an object's length, checksum and write time.")
  static final class Stat implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "ID") String id;

    @Option(names = "--json", description = "Print JSON.") boolean json;

    @Override
    public Integer call() throws Exception {
      LogLevels.forCommand();
      try (DyadClient c = client.connect()) {
        ObjectMeta m = c.stat(ObjectId.of(id));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          JsonOut.print(out, describe(m));
        } else {
          out.printf("id        %s%nlength    %d%ncrc32c    %s%nwritten   %s%n", m.id(), m.length(), m.crcHex(),
              Instant.ofEpochMilli(m.writtenAtMillis()));
        }
        out.flush();
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "rm", mixinStandardHelpOptions = true, description = "Delete an object (on both partners).")
  static final class Rm implements Callable<Integer> {
    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "ID") String id;

    @Override
    public Integer call() throws Exception {
      LogLevels.forCommand();
      try (DyadClient c = client.connect()) {
        c.delete(ObjectId.of(id));
      }
      return ExitCodes.OK;
    }
  }

  /** Where an object's copies are: a line per member, or JSON. */
  static void print(PrintWriter out, Located l, boolean json) throws DyadException {
    if (json) {
      JsonOut.print(out, l);
      return;
    }
    out.printf("object %s   pair %s%n", l.objectId(), l.pairId());
    if (l.copies().isEmpty()) {
      out.println("no member holds it");
    }
    for (Located.Copy copy : l.copies()) {
      out.printf("%-8s %-22s center %-4s %-8s (%s)%n", copy.member(), copy.address(), copy.center(), copy.state(),
          copy.how());
    }
    out.flush();
  }

  @Command(name = "locate", mixinStandardHelpOptions = true,
      description = "Show which members hold an object (or its tombstone): its pair, and copies found by search.")
  static final class Locate implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "ID") String id;

    @Option(names = "--json", description = "Print JSON.") boolean json;

    @Override
    public Integer call() throws Exception {
      LogLevels.forCommand();
      try (DyadClient c = client.connect()) {
        print(spec.commandLine().getOut(), c.locate(ObjectId.of(id)), json);
      }
      return ExitCodes.OK;
    }
  }
}
