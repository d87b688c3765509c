package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.InventoryPage;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.rpc.StorageNodeClient;
import io.dyad.rpc.ThriftClientConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage node as a real process started by the distribution's launcher. */
class NodeProcessIT {
  private static final String LISTENING = "listening on (\\S+:\\d+)";
  private static final Duration START = Duration.ofSeconds(60);

  @TempDir Path tmp;
  private final List<DyadProcess> processes = new java.util.ArrayList<>();

  @AfterEach
  void cleanUp() throws InterruptedException {
    for (DyadProcess p : processes) {
      p.close();
    }
  }

  private DyadProcess startNode(Path data, Map<String, String> env) throws Exception {
    DyadProcess p = DyadProcess.start(tmp.resolve("logs"), env,
        "node", "--id", "a1", "--data", data.toString(), "--listen", "127.0.1.21:0", "--standalone");
    processes.add(p);
    return p;
  }

  private static StorageNodeClient connect(String address) throws DyadException {
    return StorageNodeClient.connect(HostAndPort.fromString(address),
        ThriftClientConfig.defaults().withRequestTimeout(Duration.ofSeconds(60)));
  }

  @Test
  void aNodeCappedAt256MiBOfHeapStreamsA300MiBObjectBothWays() throws Exception {
    DyadProcess node = startNode(tmp.resolve("data"), Map.of("DYAD_HEAP", "-Xmx256m"));
    String address = node.awaitOutput(LISTENING, START);
    long size = 300L * 1024 * 1024;
    int expectedCrc = Streams.crcOf(Streams.generated(7, size));
    ObjectId id = ObjectId.of("three-hundred-mib");
    try (StorageNodeClient c = connect(address)) {
      ObjectMeta put = c.put(id, Streams.generated(7, size), size);
      assertThat(put.length()).isEqualTo(size);
      assertThat(put.crc32c()).isEqualTo(expectedCrc);
      Streams.CrcSink sink = new Streams.CrcSink();
      ObjectMeta got = c.get(id, sink);
      assertThat(sink.count()).isEqualTo(size);
      assertThat(sink.crc()).isEqualTo(expectedCrc);
      assertThat(got).isEqualTo(put);
    }
    assertThat(node.isAlive()).as("the node survived with a heap smaller than the object").isTrue();
    // SIGTERM: the JVM exits with 128+15 after the shutdown hook has stopped the services in order
    assertThat(node.terminate(Duration.ofSeconds(30))).as("exit code after SIGTERM").isEqualTo(143);
    assertThat(node.stderr()).contains("Thrift server on 127.0.1.21").contains("object store in").contains("closed");
  }

  @Test
  void killingTheNodeMidWriteLosesNoAcknowledgedObjectAndShowsNoPartialOne() throws Exception {
    Path data = tmp.resolve("crash-data");
    DyadProcess node = startNode(data, Map.of());
    String address = node.awaitOutput(LISTENING, START);

    Map<ObjectId, long[]> acked = new ConcurrentHashMap<>(); // id -> {seed, length}
    Map<ObjectId, long[]> attempted = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService writers = Executors.newFixedThreadPool(4);
    for (int w = 0; w < 4; w++) {
      int writer = w;
      writers.submit(() -> {
        try (StorageNodeClient c = connect(address)) {
          for (int i = 0; !stop.get(); i++) {
            long seed = writer * 1_000_000L + i + 1;
            long length = (seed * 104_729) % (3 * 1024 * 1024);
            ObjectId id = ObjectId.of("w" + writer + "-" + i);
            attempted.put(id, new long[] {seed, length});
            c.put(id, Streams.generated(seed, length), length);
            acked.put(id, new long[] {seed, length});
          }
        } catch (Exception expectedWhenKilled) {
          // the node died under us
        }
        return null;
      });
    }
    // crash while writes are in flight, once a good number has been acknowledged
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> acked.size() >= 40);
    node.kill9();
    stop.set(true);
    writers.shutdown();
    assertThat(writers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    Set<ObjectId> inFlight = new HashSet<>(attempted.keySet());
    inFlight.removeAll(acked.keySet());
    assertThat(inFlight).as("some writes were cut off by the crash").isNotEmpty();

    DyadProcess restarted = startNode(data, Map.of());
    String address2 = restarted.awaitOutput(LISTENING, START);
    try (Stream<Path> leftovers = Files.list(data.resolve("tmp"))) {
      assertThat(leftovers).as("interrupted writes were cleaned at startup").isEmpty();
    }
    try (StorageNodeClient c = connect(address2)) {
      for (Map.Entry<ObjectId, long[]> e : acked.entrySet()) {
        assertIntact(c, e.getKey(), e.getValue());
      }
      for (ObjectId id : inFlight) {
        try {
          // a commit may have completed without its ack reaching the client: then it must be whole
          assertIntact(c, id, attempted.get(id));
        } catch (DyadException e) {
          assertThat(e.code()).as("an unacknowledged object is either whole or absent").isEqualTo(ErrorCode.NOT_FOUND);
        }
      }
      Map<ObjectId, ObjectMeta> listed = new HashMap<>();
      String cursor = "";
      do {
        InventoryPage page = c.inventory(cursor, 500);
        page.entries().forEach(m -> listed.put(m.id(), m));
        cursor = page.nextCursor().orElse(null);
      } while (cursor != null);
      assertThat(listed.keySet()).containsAll(acked.keySet());
      assertThat(attempted.keySet()).as("nothing unknown appears").containsAll(listed.keySet());
    }
  }

  private static void assertIntact(StorageNodeClient c, ObjectId id, long[] seedAndLength) throws Exception {
    long length = seedAndLength[1];
    int expected = Streams.crcOf(Streams.generated(seedAndLength[0], length));
    ObjectMeta meta = c.stat(id);
    assertThat(meta.length()).as("length of %s", id).isEqualTo(length);
    assertThat(meta.crc32c()).as("crc of %s", id).isEqualTo(expected);
    Streams.CrcSink sink = new Streams.CrcSink();
    c.get(id, sink);
    assertThat(sink.crc()).as("bytes of %s", id).isEqualTo(expected);
  }

  @Test
  void aBadOptionIsAUsageErrorWithAMessageAndNoStackTrace() throws Exception {
    DyadProcess.Result r = DyadProcess.run(tmp.resolve("logs"), Map.of(), Duration.ofSeconds(60),
        "node", "--id", "a1", "--data", tmp.toString(), "--listen", "no-port-here");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.stderr()).contains("'no-port-here' is not HOST:PORT").doesNotContain("\tat ");
    DyadProcess.Result missing = DyadProcess.run(tmp.resolve("logs"), Map.of(), Duration.ofSeconds(60), "node", "--id", "a1");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.stderr()).contains("Missing required option: '--data=<data>'").doesNotContain("\tat ");
  }

  @Test
  void aBusyPortIsReportedInOneSentenceWithExitCode4() throws Exception {
    try (java.net.ServerSocket squatter = new java.net.ServerSocket()) {
      squatter.bind(new java.net.InetSocketAddress("127.0.1.21", 0));
      DyadProcess.Result r = DyadProcess.run(tmp.resolve("logs"), Map.of(), Duration.ofSeconds(60),
          "node", "--id", "a1", "--data", tmp.resolve("d").toString(), "--listen", "127.0.1.21:" + squatter.getLocalPort());
      assertThat(r.exitCode()).isEqualTo(4);
      assertThat(r.stderr()).contains("cannot listen on 127.0.1.21:" + squatter.getLocalPort() + ": address already in use")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void anUnusableDataDirectoryIsReportedInOneSentenceWithExitCode4() throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    for (String bad : new String[] {file.toString(), file.resolve("below").toString(), "/proc/dyad-no-such/data"}) {
      DyadProcess.Result r = DyadProcess.run(tmp.resolve("logs"), Map.of(), Duration.ofSeconds(60),
          "node", "--id", "a1", "--data", bad, "--listen", "127.0.1.21:0");
      assertThat(r.exitCode()).as(bad).isEqualTo(4);
      assertThat(r.stderr()).as(bad).contains("data directory").doesNotContain("\tat ");
    }
  }

  @Test
  void theSameDataDirectoryCannotBeServedTwice() throws Exception {
    Path data = tmp.resolve("shared");
    DyadProcess first = startNode(data, Map.of());
    first.awaitOutput(LISTENING, START);
    DyadProcess.Result second = DyadProcess.run(tmp.resolve("logs"), Map.of(), Duration.ofSeconds(60),
        "node", "--id", "a2", "--data", data.toString(), "--listen", "127.0.1.21:0");
    assertThat(second.exitCode()).isEqualTo(4);
    assertThat(second.stderr()).contains("in use by another storage node process");
    if (!first.isAlive()) {
      fail("the first node died: " + first.stderr());
    }
  }
}
