package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python and Node clients against {@code dyad local} from the distribution: each library's own suite (every
 * operation, typed errors, a gateway killed mid-transfer), then a file written in each of Java, Python and Node read
 * byte-identical by the other two, through each library's example program.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClientLibrariesIT {
  @TempDir static Path tmp;
  private static LocalDyad local;

  @BeforeAll
  static void startLocal() throws Exception {
    local = LocalDyad.start(tmp);
  }

  @AfterAll
  static void stopLocal() throws Exception {
    if (local != null) {
      local.close();
    }
  }

  private static String suite(String script) throws Exception {
    LocalDyad.Shell s = local.sh(script, Duration.ofMinutes(8));
    assertThat(s.exitCode()).as(script + "\n" + s.out()).isZero();
    return s.out();
  }

  @Test
  @Order(1)
  void thePythonClientPassesItsSuite() throws Exception {
    String out = suite("\"$DYAD_ROOT/clients/python/run-tests.sh\" -q");
    assertThat(out).containsPattern("\\d+ passed").doesNotContainPattern("\\d+ (failed|error)");
  }

  @Test
  @Order(2)
  void theNodeClientPassesItsSuite() throws Exception {
    String out = suite("\"$DYAD_ROOT/clients/node/run-tests.sh\"");
    assertThat(out).containsPattern("# pass [1-9]\\d*").contains("# fail 0");
  }

  /** Each language's way to put and get a file, as a shell command (the examples of docs/clients.md). */
  private record Language(String name, String put, String get) {}

  private static final List<Language> LANGUAGES = List.of(
      new Language("java", "dyad fs put %s %s", "dyad fs get %s %s"),
      new Language("python", "\"$DYAD_ROOT/clients/python/.venv/bin/python\" "
          + "\"$DYAD_ROOT/clients/python/examples/copy.py\" put %s %s",
          "\"$DYAD_ROOT/clients/python/.venv/bin/python\" \"$DYAD_ROOT/clients/python/examples/copy.py\" get %s %s"),
      new Language("node", "node \"$DYAD_ROOT/clients/node/examples/copy.js\" put %s %s",
          "node \"$DYAD_ROOT/clients/node/examples/copy.js\" get %s %s"));

  @Test
  @Order(3)
  void aFileWrittenInOneLanguageReadsByteIdenticalInTheOthers() throws Exception {
    local.ok("dyad volume create polyglot");
    byte[] data = new byte[9 * 1024 * 1024 + 123]; // several chunks in every client
    new Random(11).nextBytes(data);
    Path source = Files.write(tmp.resolve("source.bin"), data);
    for (Language writer : LANGUAGES) {
      local.ok(String.format(writer.put(), source, "polyglot:/by-" + writer.name() + ".bin"));
    }
    for (Language writer : LANGUAGES) {
      for (Language reader : LANGUAGES) {
        Path copy = tmp.resolve(writer.name() + "-read-by-" + reader.name() + ".bin");
        local.ok(String.format(reader.get(), "polyglot:/by-" + writer.name() + ".bin", copy));
        assertThat(Files.mismatch(copy, source)).as(writer.name() + " wrote, " + reader.name() + " read").isEqualTo(-1);
      }
    }
    for (Language reader : LANGUAGES) {
      LocalDyad.Shell missing = local.sh(String.format(reader.get(), "polyglot:/none", tmp.resolve("x")),
          Duration.ofMinutes(1));
      assertThat(missing.exitCode()).as(reader.name() + ": " + missing.out()).isNotZero();
      assertThat(missing.out()).as(reader.name() + ": a clear error, no trace").containsPattern("(?i)(not found|no such|does not exist|NotFound)")
          .doesNotContain("Traceback").doesNotContain("    at ").doesNotContain("\tat ");
    }
  }
}
