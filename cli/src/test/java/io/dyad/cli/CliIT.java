package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code dyad} command as a person drives it, from a shell, against {@code dyad local} started from the
 * distribution: transfers of trees and streams, JSON output, the progress bar on a terminal only, exit codes and
 * messages for bad input, file commands that carry on while a DDM dies, the README's tour exactly as written there
 * (it kills a node), and a directory pair added to the running cluster from the shell.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
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

  private static LocalDyad.Shell sh(String script) throws Exception {
    return local.sh(script, Duration.ofMinutes(4));
  }

  private static String ok(String script) throws Exception {
    return local.ok(script);
  }

  private static void tree(Path root, long seed) throws IOException {
    Random r = new Random(seed);
    for (String f : List.of("a.bin", "sub/b.bin", "sub/deeper/c.bin", "sub/empty", "other/d.txt")) {
      Path p = root.resolve(f);
      Files.createDirectories(p.getParent());
      byte[] b = new byte[f.endsWith("empty") ? 0 : r.nextInt(3 << 20)];
      r.nextBytes(b);
      Files.write(p, b);
    }
    Files.createDirectories(root.resolve("empty-dir"));
  }

  @Test
  @Order(1)
  void treesAndStreamsGoInAndOutWholeInParallel() throws Exception {
    tree(tmp.resolve("tree"), 1);
    ok("dyad volume create cli");
    ok("dyad fs put -r -P 3 tree cli:/tree");
    ok("dyad fs get -r cli:/tree tree-back");
    ok("diff -r tree tree-back");
    assertThat(ok("head -c 5000000 /dev/urandom | tee stream.bin | dyad fs put - cli:/stream.bin && "
        + "dyad fs cat cli:/stream.bin | cmp - stream.bin && echo same")).contains("same");
    assertThat(ok("dyad fs get cli:/stream.bin - | cmp - stream.bin && echo same")).contains("same");
    ok("mkdir -p into && dyad fs get cli:/tree/a.bin into/ && cmp into/a.bin tree/a.bin");
    String id = ok("dyad object put - < stream.bin").strip();
    assertThat(ok("dyad object get " + id + " - | cmp - stream.bin && echo same")).contains("same");
  }

  @Test
  @Order(2)
  void jsonOutputParses() throws Exception {
    ok("dyad volume create json && dyad fs mkdir -p json:/d && echo hi | dyad fs put - json:/d/f.txt");
    JsonNode ls = JSON.readTree(ok("dyad fs ls --json json:/d"));
    assertThat(ls.isArray()).isTrue();
    assertThat(ls.get(0).get("path").asText()).isEqualTo("json:/d/f.txt");
    assertThat(ls.get(0).get("length").asLong()).isEqualTo(3);
    JsonNode stat = JSON.readTree(ok("dyad fs stat --json json:/d"));
    assertThat(stat.get("type").asText()).isEqualTo("directory");
    JsonNode volumes = JSON.readTree(ok("dyad volume ls --json"));
    assertThat(volumes.findValuesAsText("volume")).contains("json");
    JsonNode put = JSON.readTree(ok("echo x > x && dyad object put --json x"));
    assertThat(put.get("length").asLong()).isEqualTo(2);
    JsonNode locate = JSON.readTree(ok("dyad fs locate --json json:/d/f.txt"));
    assertThat(locate.get("copies").size()).isEqualTo(2);
    JsonNode written = JSON.readTree(ok("dyad fs put --json x json:/d/x"));
    assertThat(written.get("path").asText()).isEqualTo("json:/d/x");
    JsonNode status = JSON.readTree(ok("dyad status --json"));
    assertThat(status.toString()).contains("local-dosm-2");
  }

  @Test
  @Order(3)
  void theProgressBarShowsOnATerminalOnly() throws Exception {
    ok("head -c 40000000 /dev/urandom > big.bin");
    // script(1) gives the command a terminal (a pty) for its input and output
    String onTerminal = ok("script -qec 'dyad fs put big.bin cli:/big-tty.bin' /dev/null");
    assertThat(onTerminal).contains("100% [").contains("MB/s").contains("38.1/38.1 MiB");
    String piped = ok("dyad fs put big.bin cli:/big-piped.bin 2>&1 | cat");
    assertThat(piped).doesNotContain("%").doesNotContain("MB/s");
    String quiet = ok("script -qec 'dyad fs put -q big.bin cli:/big-quiet.bin' /dev/null");
    assertThat(quiet).doesNotContain("MB/s");
    String small = ok("script -qec 'dyad fs put x cli:/small' /dev/null");
    assertThat(small).as("too small to wait for").doesNotContain("MB/s");
  }

  @Test
  @Order(4)
  void badInputGetsAClearMessageAndItsOwnExitCode() throws Exception {
    expect("dyad fs put no-such-file cli:/x", 2, "no such file");
    expect("dyad fs put x not-a-path", 2, "is not VOLUME:/PATH");
    expect("dyad fs mkdir cli:/a/../b", 2, "");
    expect("dyad fs get cli:/no-such-file out", 3, "");
    expect("dyad fs put -r tree cli:/t2 -P 99", 2, "--parallel takes 1 to 32");
    expect("dyad fs put tree cli:/t3", 2, "give -r");
    expect("dyad fs get cli:/tree out", 2, "give -r");
    expect("dyad fs cat cli:/tree", 10, "");
    expect("dyad volume create cli", 6, "");
    expect("dyad status --watch 0", 2, "--watch takes");
    expect("dyad local --kill no-such-member", 2, "no member 'no-such-member'");
    expect("dyad fs frobnicate", 2, "");
    Map<String, String> env = local.env();
    Map<String, String> saved = new HashMap<>(env);
    try {
      int closed = FreePorts.freeOnAll("127.0.0.1");
      env.put("DYAD_GATEWAYS", "127.0.0.1:" + closed);
      env.put("DYAD_DDM", "127.0.0.1:" + closed);
      expect("dyad fs ls cli:/", 4, "");
      env.put("DYAD_LOCAL_DATA", tmp.resolve("nothing-here").toString());
      expect("dyad local --kill a1", 4, "no dyad local is running");
    } finally {
      env.clear();
      env.putAll(saved);
    }
    assertThat(tmp.resolve("out")).as("a failed get leaves no file").doesNotExist();
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".dyad-partial"));
    }
  }

  private static void expect(String command, int exitCode, String message) throws Exception {
    LocalDyad.Shell s = sh(command);
    assertThat(s.exitCode()).as(command + "\n" + s.out()).isEqualTo(exitCode);
    assertThat(s.out()).as(command).contains(message).startsWith("dyad").doesNotContain("\tat ")
        .doesNotContain("Exception");
  }

  @Test
  @Order(5)
  void completionIsGeneratedForBash() throws Exception {
    assertThat(ok("dyad completion > dyad-completion.bash && bash -c 'source dyad-completion.bash "
        + "&& complete -p dyad'")).contains("dyad");
  }

  /**
   * File commands with both DDMs in $DYAD_DDM while {@code dyad local --kill} takes first one DDM and then the other:
   * each dies in the middle of a put from standard input (its upload begun, its commit still to come, on whichever
   * DDM is left), the commands after it run with that DDM down, and it is revived before the other dies. Every command
   * succeeds, a mkdir without -p and a mv (either would fail if applied twice) included, and the volume reads back as
   * exactly what was written.
   */
  @Test
  @Order(6)
  void fileCommandsCarryOnWhileADdmDies() throws Exception {
    String script = """
        dyad volume create ddm-dies
        i=0
        for victim in local-ddm local-ddm-2; do
          i=$((i + 1))
          head -c 3000000 /dev/urandom > s$i.bin && rm -f p$i && mkfifo p$i
          dyad fs put - ddm-dies:/s$i.bin < p$i & put=$!
          exec 3> p$i
          head -c 1000000 s$i.bin >&3        # once read, the put has its upload from a DDM and is streaming
          dyad local --kill $victim
          tail -c +1000001 s$i.bin >&3
          exec 3>&-
          wait $put                          # its commit went to the DDM left
          dyad fs mkdir ddm-dies:/d$i
          dyad fs mv ddm-dies:/s$i.bin ddm-dies:/d$i/s$i.bin
          dyad local --revive $victim
        done
        dyad fs get -r ddm-dies:/ back
        cmp back/d1/s1.bin s1.bin && cmp back/d2/s2.bin s2.bin && echo "$(ls back | xargs) read back"
        """;
    String out = ok("timeout 300 bash -euo pipefail -c " + shellQuote(script));
    assertThat(out).contains("local-ddm stopped").contains("local-ddm-2 stopped").contains("local-ddm serving on")
        .contains("local-ddm-2 serving on").contains("d1 d2 read back");
  }

  /** The README's tour, extracted from README.md and run as it stands. */
  @Test
  @Order(7)
  void theReadmeTourRunsAsWritten() throws Exception {
    Path readme = LocalDyad.repositoryRoot().resolve("README.md");
    String text = Files.readString(readme);
    Matcher m = Pattern.compile("<!-- tour:begin -->\\s*```sh\\n(.*?)```\\s*<!-- tour:end -->", Pattern.DOTALL)
        .matcher(text);
    assertThat(m.find()).as("the tour block in " + readme).isTrue();
    Files.copy(readme, tmp.resolve("README.md"));
    String out = ok("timeout 300 bash -euo pipefail -c " + shellQuote(m.group(1)));
    assertThat(out).containsPattern("a\\d +127\\.0\\.1\\.\\d+:\\d+ +center A +PRESENT")
        .containsPattern("read while a\\d is down").contains("FAILED_OVER")
        .containsPattern("\"state\" ?: ?\"FAILED_OVER\"").containsPattern("a\\d serving again")
        .endsWith("[]\n");
  }

  @Test
  @Order(8)
  void aDirectoryPairAddedFromTheShellTakesTheNextVolume() throws Exception {
    int port = FreePorts.freeOnAll("127.0.1.23", "127.0.2.23");
    ok("dyad admin dev-ca --dir $DYAD_LOCAL_DATA/tls --name dp9 --address 127.0.1.23 --address 127.0.2.23");
    String added = ok("dyad admin add-pair --id dp9 --kind directory --a da9=127.0.1.23:" + port + " --b db9");
    assertThat(added).contains("member db9 (directory) in center B at 127.0.2.23:" + port)
        .contains("pair dp9 added (joining)");
    assertThat(ok("dyad status")).contains("dp9 (joining)");
    String daemons = "export DYAD_RUN_DIR=$PWD/run DYAD_TLS_CERT=$DYAD_LOCAL_DATA/tls/dp9.pem "
        + "DYAD_TLS_KEY=$DYAD_LOCAL_DATA/tls/dp9-key.pem; ";
    try {
      ok(daemons + "for m in da9 db9; do dyad directory --id $m --data $DYAD_LOCAL_DATA/$m --daemon; done");
      ok("for i in $(seq 1 60); do dyad status | grep -q 'dp9 (joining)' || exit 0; sleep 1; done; exit 1");
      assertThat(ok("dyad volume create grown")).as("the new pair holds no volume yet")
          .contains("on directory pair dp9");
      ok("head -c 300000 /dev/urandom > grown.bin && dyad fs put grown.bin grown:/g.bin && "
          + "dyad fs get grown:/g.bin grown.copy && cmp grown.bin grown.copy");
    } finally {
      sh(daemons + "dyad stop directory --id da9; dyad stop directory --id db9");
    }
  }

  private static String shellQuote(String s) {
    return "'" + s.replace("'", "'\"'\"'") + "'";
  }
}
