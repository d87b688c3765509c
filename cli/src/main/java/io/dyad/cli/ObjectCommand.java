package io.dyad.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dyad.client.DyadClient;
import io.dyad.client.Located;
import io.dyad.common.DyadException;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  static Map<String, Object> describe(ObjectMeta m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", m.id().value());
    out.put("length", m.length());
    out.put("crc32c", m.crcHex());
    out.put("writtenAt", Instant.ofEpochMilli(m.writtenAtMillis()).toString());
    return out;
  }

  @Command(name = "put", mixinStandardHelpOptions = true, description = "Store a file; prints the new object id.")
  static final class Put implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "FILE", description = "The file to store.")
    Path file;

    @Option(names = "--id", description = "Use this object id instead of a new random one.")
    String id;

    @Override
    public Integer call() throws Exception {
      LogLevels.forCommand();
      if (!Files.isRegularFile(file)) {
        throw DyadException.invalidArgument("cannot read " + file + ": no such file");
      }
      Optional<ObjectId> requested = id == null ? Optional.empty() : Optional.of(ObjectId.of(id));
      try (DyadClient c = client.connect()) {
        ObjectMeta m = c.put(requested, () -> Files.newInputStream(file), Files.size(file));
        spec.commandLine().getOut().println(m.id().value());
        spec.commandLine().getOut().flush();
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
        // written beside the target and renamed into place: a failed or corrupt read never leaves a partial file
        Path out = Path.of(target).toAbsolutePath();
        Path tmp = out.resolveSibling("." + out.getFileName() + ".dyad-partial");
        try (OutputStream os = Files.newOutputStream(tmp)) {
          c.get(objectId, os);
        } catch (DyadException | IOException e) {
          Files.deleteIfExists(tmp);
          if (e instanceof NoSuchFileException) {
            throw DyadException.invalidArgument("cannot write " + target + ": its directory does not exist");
          }
          throw e;
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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
          out.println(JSON.writeValueAsString(describe(m)));
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
        Located l = c.locate(ObjectId.of(id));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          out.println(JSON.writeValueAsString(l));
        } else {
          out.printf("object %s   pair %s%n", l.objectId(), l.pairId());
          if (l.copies().isEmpty()) {
            out.println("no member holds it");
          }
          for (Located.Copy copy : l.copies()) {
            out.printf("%-8s %-22s center %-4s %-8s (%s)%n", copy.member(), copy.address(), copy.center(), copy.state(),
                copy.how());
          }
        }
        out.flush();
      }
      return ExitCodes.OK;
    }
  }
}
