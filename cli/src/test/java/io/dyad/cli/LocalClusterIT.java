package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command: 'dyad local' starts a working cluster, and the object commands use it. */
class LocalClusterIT {
  @TempDir Path tmp;

  @Test
  void dyadLocalServesObjectsAndStopsCleanly() throws Exception {
    int zkPort = FreePorts.freeOnAll("127.0.0.1");
    int dosmPort = FreePorts.freeOnAll("127.0.0.1");
    int nodePort = FreePorts.freeOnAll("127.0.1.11", "127.0.1.12", "127.0.1.13", "127.0.2.11", "127.0.2.12", "127.0.2.13");
    try (DyadProcess local = DyadProcess.start(tmp.resolve("logs"), Map.of(), "local", "--data",
        tmp.resolve("cluster").toString(), "--zk-port", Integer.toString(zkPort), "--node-port",
        Integer.toString(nodePort), "--dosm-port", Integer.toString(dosmPort))) {
      local.awaitOutput("ready", Duration.ofSeconds(90));
      String out = local.stdout();
      assertThat(out.lines().findFirst().orElse("")).as("the ZooKeeper connect string comes first")
          .startsWith("zookeeper 127.0.0.1:" + zkPort);
      assertThat(out).contains("node a1 127.0.1.11:" + nodePort).contains("node b3 127.0.2.13:" + nodePort)
          .contains("dosm local-dosm 127.0.0.1:" + dosmPort);

      Map<String, String> env = Map.of("DYAD_ZK", "127.0.0.1:" + zkPort);
      Path file = Files.write(tmp.resolve("in.bin"), new java.util.Random(3).ints(200_000).collect(
          java.io.ByteArrayOutputStream::new, (b, i) -> b.write(i), (a, b) -> a.write(b.toByteArray(), 0, b.size()))
          .toByteArray());
      DyadProcess.Result put = DyadProcess.run(tmp.resolve("logs"), env, Duration.ofSeconds(60), "object", "put",
          file.toString());
      assertThat(put.exitCode()).as(put.stderr()).isZero();
      String id = put.stdout().strip();
      DyadProcess.Result get = DyadProcess.run(tmp.resolve("logs"), env, Duration.ofSeconds(60), "object", "get", id,
          tmp.resolve("out.bin").toString());
      assertThat(get.exitCode()).as(get.stderr()).isZero();
      assertThat(Files.readAllBytes(tmp.resolve("out.bin"))).isEqualTo(Files.readAllBytes(file));
      DyadProcess.Result locate = DyadProcess.run(tmp.resolve("logs"), env, Duration.ofSeconds(60), "object", "locate", id);
      assertThat(locate.stdout()).containsPattern("a\\d .* center A .*PRESENT .*placement")
          .containsPattern("b\\d .* center B .*PRESENT .*placement");
      DyadProcess.Result missing = DyadProcess.run(tmp.resolve("logs"), env, Duration.ofSeconds(60), "object", "get",
          "no-such-object", tmp.resolve("x").toString());
      assertThat(missing.exitCode()).isEqualTo(3);
      assertThat(missing.stderr()).contains("does not exist").doesNotContain("\tat ");
      assertThat(tmp.resolve("x")).as("a failed get leaves no file").doesNotExist();

      assertThat(local.terminate(Duration.ofSeconds(60))).isEqualTo(143);
    }
  }
}
