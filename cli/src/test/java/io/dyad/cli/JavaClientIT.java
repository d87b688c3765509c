package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.hash.Hashing;
import io.dyad.client.ClientConfig;
import io.dyad.client.FileEntry;
import io.dyad.client.FileSystemClient;
import io.dyad.client.VolumeEntry;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.rpc.ThriftClientConfig;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client's file API as an application uses it, against a local cluster with two DOSMs and two DDMs: every
 * operation, ranges, typed errors, a read and a write that each outlive the gateway they were using, and file
 * operations that carry on while a DDM dies.
 */
class JavaClientIT {
  @TempDir static Path dir;
  private static LocalCluster cluster;
  private static FileSystemClient fs;

  @BeforeAll
  static void start() throws Exception {
    DosmOptions dosm = picocli.CommandLine.populateCommand(new DosmOptions(), "--search", "point-to-point");
    cluster = new LocalCluster(LocalCluster.Options.onFreePorts(dir.resolve("cluster"), dosm, false,
        Duration.ofSeconds(4), Duration.ofSeconds(1), false).withGateways(2).withDdms(2),
        new PrintWriter(Writer.nullWriter()));
    cluster.startAsync().awaitRunning();
    fs = FileSystemClient.connect(config());
    fs.createVolume("java");
  }

  /** Both gateways as seeds, the operator's credential, small chunks (so that a transfer spans many calls). */
  private static ClientConfig config() {
    return ClientConfig.of(List.copyOf(cluster.gatewayAddresses().values())).withCredential(cluster.adminCredential())
        .withChunkBytes(256 * 1024);
  }

  @AfterAll
  static void stop() {
    fs.close();
    cluster.stopAsync().awaitTerminated();
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] read(String path, long offset, long length) throws Exception {
    try (InputStream in = fs.open("java", path, offset, length)) {
      return in.readAllBytes();
    }
  }

  private static void fails(ErrorCode code, ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOfSatisfying(DyadException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  @Test
  void everyFileOperationWorksAndReadsAreCheckedEndToEnd() throws Exception {
    byte[] data = random(3 * 1024 * 1024 + 17, 1);
    Path local = Files.write(dir.resolve("local.bin"), data);
    assertThat(fs.mkdir("java", "/ops/a", true).directory()).isTrue();
    FileEntry written = fs.write("java", "/ops/a/file.bin", local);
    assertThat(written.length()).isEqualTo(data.length);
    assertThat(read("/ops/a/file.bin", 0, -1)).isEqualTo(data);
    assertThat(read("/ops/a/file.bin", 1_000_000, 300_000)).isEqualTo(Arrays.copyOfRange(data, 1_000_000, 1_300_000));
    assertThat(read("/ops/a/file.bin", data.length - 5, 100)).as("a range past the end stops at the end")
        .isEqualTo(Arrays.copyOfRange(data, data.length - 5, data.length));
    assertThat(read("/ops/a/file.bin", data.length, -1)).isEmpty();

    byte[] streamed = random(700_000, 2);
    fs.write("java", "/ops/a/streamed.bin", new ByteArrayInputStream(streamed), -1);
    assertThat(read("/ops/a/streamed.bin", 0, -1)).isEqualTo(streamed);
    fs.write("java", "/ops/a/empty", new ByteArrayInputStream(new byte[0]), 0);
    assertThat(fs.stat("java", "/ops/a/empty").length()).isZero();
    assertThat(read("/ops/a/empty", 0, -1)).isEmpty();

    for (int i = 0; i < 5; i++) {
      fs.mkdir("java", "/ops/many/d" + i, true);
    }
    FileSystemClient.ListPage first = fs.listPage("java", "/ops/many", "", 2);
    assertThat(first.entries()).extracting(FileEntry::name).containsExactly("d0", "d1");
    assertThat(first.nextAfter()).contains("d1");
    List<String> names = new ArrayList<>();
    fs.entries("java", "/ops/many").forEach(e -> names.add(e.name()));
    assertThat(names).containsExactly("d0", "d1", "d2", "d3", "d4");

    fs.rename("java", "/ops/a/file.bin", "/ops/moved.bin");
    assertThat(fs.stat("java", "/ops/moved.bin").crc32c()).isEqualTo(written.crc32c());
    fails(ErrorCode.NOT_FOUND, () -> fs.stat("java", "/ops/a/file.bin"));
    fs.delete("java", "/ops", true);
    fails(ErrorCode.NOT_FOUND, () -> fs.stat("java", "/ops"));
    assertThat(fs.listVolumes()).extracting(v -> v.name()).contains("java");
  }

  /**
   * Every change through a DDM whose reply is lost on the way back (the change done, then the connection cut): the
   * client sends it again on a new connection under the same request id and gets the first try's answer, the change
   * applied once. Without the id the retried mkdir would be AlreadyExists, the rename and the remove NotFound.
   */
  @Test
  void aChangeWhoseReplyIsLostIsAppliedOnceAndAnsweredWhenSentAgain() throws Exception {
    try (DropReplyProxy proxy = new DropReplyProxy(cluster.ddmAddress());
        FileSystemClient lossy = new FileSystemClient(List.of(proxy.address()), fs.objects(),
            ThriftClientConfig.defaults())) {
      lossy.stat("java", "/"); // the connection the next change goes on has carried a call (pooled, reused)
      proxy.loseNextReply();
      FileEntry made = lossy.mkdir("java", "/lost", false);
      assertThat(proxy.repliesLost()).isEqualTo(1);
      assertThat(made.directory()).isTrue();
      assertThat(fs.stat("java", "/lost").inode()).isEqualTo(made.inode());

      FileEntry file = fs.write("java", "/lost/a", new ByteArrayInputStream(new byte[] {1, 2, 3}), 3);
      proxy.loseNextReply();
      FileEntry moved = lossy.rename("java", "/lost/a", "/lost/b");
      assertThat(proxy.repliesLost()).isEqualTo(2);
      assertThat(moved.name()).isEqualTo("b");
      assertThat(moved.inode()).isEqualTo(file.inode());
      fails(ErrorCode.NOT_FOUND, () -> fs.stat("java", "/lost/a"));

      proxy.loseNextReply();
      lossy.delete("java", "/lost/b", false);
      assertThat(proxy.repliesLost()).isEqualTo(3);
      fails(ErrorCode.NOT_FOUND, () -> fs.stat("java", "/lost/b"));

      byte[] data = random(100_000, 6);
      proxy.loseNextReply(); // the create's
      FileEntry written = lossy.write("java", "/lost/c", new ByteArrayInputStream(data), data.length);
      proxy.loseReplyTo(2); // the commit's (after the create's)
      FileEntry again = lossy.write("java", "/lost/c", new ByteArrayInputStream(data), data.length);
      assertThat(proxy.repliesLost()).isEqualTo(5);
      assertThat(again.version()).as("one new version").isEqualTo(written.version() + 1);
      assertThat(read("/lost/c", 0, -1)).isEqualTo(data);

      proxy.loseNextReply();
      VolumeEntry volume = lossy.createVolume("lost-reply");
      assertThat(proxy.repliesLost()).isEqualTo(6);
      assertThat(volume.name()).isEqualTo("lost-reply");
      assertThat(fs.stat("lost-reply", "/").directory()).isTrue();
      proxy.loseNextReply();
      lossy.deleteVolume("lost-reply");
      assertThat(proxy.repliesLost()).isEqualTo(7);
      fails(ErrorCode.NOT_FOUND, () -> fs.stat("lost-reply", "/"));
    }
  }

  @Test
  void objectsToo() throws Exception {
    byte[] data = random(600_000, 3);
    ObjectMeta put = fs.objects().put(Optional.empty(), () -> new ByteArrayInputStream(data), data.length);
    try (InputStream in = fs.objects().open(put.id(), 100, 1000, null)) {
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 100, 1100));
    }
    assertThat(fs.objects().stat(put.id()).length()).isEqualTo(data.length);
    fs.objects().delete(put.id());
    fails(ErrorCode.NOT_FOUND, () -> fs.objects().open(put.id(), 0, -1, null));
  }

  @Test
  void refusalsAreTyped() throws Exception {
    fs.mkdir("java", "/err/dir", true);
    fs.write("java", "/err/file", new ByteArrayInputStream(new byte[] {1, 2, 3}), 3);
    fails(ErrorCode.NOT_FOUND, () -> fs.open("java", "/err/none", 0, -1));
    fails(ErrorCode.IS_A_DIRECTORY, () -> fs.open("java", "/err/dir", 0, -1));
    fails(ErrorCode.NOT_A_DIRECTORY, () -> fs.mkdir("java", "/err/file/sub", false));
    fails(ErrorCode.INVALID_ARGUMENT, () -> fs.open("java", "/err/file", 4, -1));
    fails(ErrorCode.INVALID_ARGUMENT, () -> fs.stat("java", "/err/../etc"));
    fails(ErrorCode.NOT_EMPTY, () -> fs.delete("java", "/err", false));
    fails(ErrorCode.ALREADY_EXISTS, () -> fs.createVolume("java"));
    fails(ErrorCode.NOT_FOUND, () -> fs.stat("no-such-volume", "/"));
    try (FileSystemClient anonymous = FileSystemClient.connect(
        ClientConfig.of(List.copyOf(cluster.gatewayAddresses().values())))) {
      fails(ErrorCode.ACCESS_DENIED, () -> anonymous.objects().stat(ObjectId.random()));
    }
  }

  /**
   * A read through the gateways while first one gateway and then the other is killed under it: whichever it was
   * using, it lost it midway, and the rest came from the survivor with the right bytes.
   */
  @Test
  void aReadOutlivesTheGatewayItWasUsing() throws Exception {
    byte[] data = random(24 * 1024 * 1024, 4);
    fs.write("java", "/big-read.bin", Files.write(dir.resolve("big-read.bin"), data));
    try (FileSystemClient viaGateways = FileSystemClient.connect(config().withDirectReads(false));
        InputStream in = viaGateways.open("java", "/big-read.bin", 0, -1)) {
      byte[] got = new byte[data.length];
      int at = readFully(in, got, 0, 2 << 20);
      cluster.kill("local-dosm");
      at = readFully(in, got, at, 10 << 20);
      cluster.revive("local-dosm");
      cluster.kill("local-dosm-2");
      at = readFully(in, got, at, data.length);
      assertThat(in.read()).as("the end, after the CRC32C check").isEqualTo(-1);
      assertThat(Hashing.sha256().hashBytes(got)).isEqualTo(Hashing.sha256().hashBytes(data));
    } finally {
      reviveBoth();
    }
  }

  /** A write from a file whose gateways die midway: repeated under the same id, the file holds the right bytes. */
  @Test
  void aWriteOutlivesTheGatewayItWasUsing() throws Exception {
    byte[] data = random(24 * 1024 * 1024, 5);
    Path local = Files.write(dir.resolve("big-write.bin"), data);
    AtomicLong sent = new AtomicLong();
    try {
      FileEntry written = fs.put("java", "/big-write.bin", () -> new FilterInputStream(Files.newInputStream(local)) {
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          long before = sent.getAndAdd(Math.min(len, 64 * 1024));
          try {
            if (before < (2 << 20) && before + Math.min(len, 64 * 1024) >= (2 << 20)) {
              cluster.kill("local-dosm");
            } else if (before < (12 << 20) && before + Math.min(len, 64 * 1024) >= (12 << 20)) {
              cluster.revive("local-dosm");
              cluster.kill("local-dosm-2");
            }
          } catch (Exception e) {
            throw new IOException(e);
          }
          return super.read(b, off, Math.min(len, 64 * 1024));
        }
      }, data.length);
      assertThat(written.length()).isEqualTo(data.length);
      assertThat(read("/big-write.bin", 0, -1)).isEqualTo(data);
    } finally {
      reviveBoth();
    }
  }

  /**
   * Four workloads of file operations (mkdir, put, rename, remove, get, ls) through a client that learned both DDMs
   * from the gateways, while one DDM is killed under them, revived, and then the other killed: calls in flight on the
   * dying DDM lose their connection and are sent again to the other under their request ids. Not one operation fails,
   * and each workload's tree is exactly what its own sequential model says, so no change was applied twice.
   */
  @Test
  void fileOperationsCarryOnWhileADdmDies() throws Exception {
    int workloads = 4;
    int each = 80;
    int total = workloads * each;
    AtomicInteger done = new AtomicInteger();
    List<FileWorkload> loads = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(workloads);
    try (FileSystemClient client = FileSystemClient.connect(config())) {
      for (int i = 0; i < workloads; i++) {
        loads.add(new FileWorkload(client, "java", "/ddm-dies-" + i, 40 + i));
      }
      List<Future<?>> runs = new ArrayList<>();
      for (FileWorkload load : loads) {
        runs.add(threads.submit(() -> load.run(each, done::incrementAndGet)));
      }
      awaitDone(done, total / 4, loads);
      cluster.kill("local-ddm");
      int killedAt = done.get();
      awaitDone(done, total / 2, loads);
      await("the killed DDM leaves /dyad/ddm").atMost(Duration.ofSeconds(30))
          .until(() -> !cluster.view().current().ddms().containsKey("local-ddm"));
      cluster.revive("local-ddm");
      int revivedAt = done.get();
      awaitDone(done, 3 * total / 4, loads);
      cluster.kill("local-ddm-2");
      int secondKilledAt = done.get();
      for (Future<?> run : runs) {
        run.get(2, TimeUnit.MINUTES);
      }
      for (FileWorkload load : loads) {
        assertThat(load.failure()).as("a failed operation").isNull();
        assertThat(load.done()).isEqualTo(each);
        assertThat(load.verify()).as("the tree against the model").isNull();
      }
      FileWorkload slowest = loads.stream().max(Comparator.comparingLong(FileWorkload::longestMillis)).orElseThrow();
      System.out.printf("DDM failover workload: %d operations, 0 failed; local-ddm down for %d of them, local-ddm-2 "
          + "for %d; the longest took %d ms (%s)%n", done.get(), revivedAt - killedAt, done.get() - secondKilledAt,
          slowest.longestMillis(), slowest.longestOperation());
    } finally {
      threads.shutdownNow();
      for (String ddm : List.of("local-ddm", "local-ddm-2")) {
        reviveIfKilled(ddm);
      }
    }
  }

  /** Until {@code n} operations are done (or a workload failed: the test then reports it). */
  private static void awaitDone(AtomicInteger done, int n, List<FileWorkload> loads) {
    await().atMost(Duration.ofMinutes(2)).until(() -> done.get() >= n
        || loads.stream().anyMatch(l -> l.failure() != null));
  }

  private static int readFully(InputStream in, byte[] into, int from, int until) throws IOException {
    int at = from;
    while (at < until) {
      int n = in.read(into, at, until - at);
      assertThat(n).as("bytes before the end").isPositive();
      at += n;
    }
    return at;
  }

  private static void reviveBoth() throws Exception {
    for (String g : List.of("local-dosm", "local-dosm-2")) {
      reviveIfKilled(g);
    }
  }

  private static void reviveIfKilled(String gateway) throws Exception {
    try {
      cluster.revive(gateway);
    } catch (DyadException e) {
      assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.ALREADY_EXISTS);
    }
  }
}
