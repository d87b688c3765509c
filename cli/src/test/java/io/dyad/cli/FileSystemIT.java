package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import com.google.common.net.HostAndPort;
import io.dyad.client.ClientConfig;
import io.dyad.client.DyadClient;
import io.dyad.client.FileEntry;
import io.dyad.client.FileSystemClient;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.access.ClusterSecret;
import io.dyad.common.access.Locator;
import io.dyad.common.access.Locators;
import io.dyad.coordinator.Coordination;
import io.dyad.coordinator.ZkSession;
import io.dyad.ddm.gateway.Ddm;
import io.dyad.ddm.gateway.DdmAssembly;
import io.dyad.ddm.gateway.DdmConfig;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.rpc.ThriftConnections;
import io.dyad.thrift.AccessDenied;
import io.dyad.thrift.FileSystem;
import io.dyad.thrift.ObjectGateway;
import io.dyad.thrift.OpenFile;
import io.dyad.thrift.Upload;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files through the DDM on a whole local cluster in this JVM (embedded ZooKeeper, six storage nodes, four directory
 * servers, a DOSM and a DDM, with access control): contents checked end to end, every typed error, locators
 * checked by the DOSM, and concurrent clients that lose no entry.
 */
class FileSystemIT {
  @TempDir static Path dir;
  private static LocalCluster cluster;
  private static DyadClient objects;
  private static FileSystemClient files;

  @BeforeAll
  static void start() throws Exception {
    DosmOptions dosm = picocli.CommandLine.populateCommand(new DosmOptions(), "--search", "point-to-point");
    cluster = new LocalCluster(LocalCluster.Options.onFreePorts(dir.resolve("cluster"), dosm, false,
        Duration.ofSeconds(4), Duration.ofSeconds(1), false), new PrintWriter(Writer.nullWriter()));
    cluster.startAsync().awaitRunning();
    objects = DyadClient.connect(ClientConfig.of(List.of(cluster.dosmAddress())));
    files = new FileSystemClient(List.of(cluster.ddmAddress()), objects, ThriftClientConfig.defaults());
    files.createVolume("it");
  }

  @AfterAll
  static void stop() {
    files.close();
    objects.close();
    cluster.stopAsync().awaitTerminated();
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static FileEntry put(String path, byte[] data) throws Exception {
    return files.put("it", path, () -> new java.io.ByteArrayInputStream(data), data.length);
  }

  private static byte[] get(String path) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    files.get("it", path, out);
    return out.toByteArray();
  }

  private static void fails(ErrorCode code, ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOfSatisfying(DyadException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  @Test
  void aFileIsWrittenReadReplacedAndMovedWithItsBytesCheckedEndToEnd() throws Exception {
    files.mkdir("it", "/rw/a/b", true);
    byte[] first = random(300_000, 1);
    FileEntry v1 = put("/rw/a/b/f.bin", first);
    CRC32C crc = new CRC32C();
    crc.update(first);
    assertThat(v1.length()).isEqualTo(first.length);
    assertThat(v1.crc32c()).isEqualTo((int) crc.getValue());
    assertThat(get("/rw/a/b/f.bin")).isEqualTo(first);

    byte[] second = random(5_000, 2);
    FileEntry v2 = put("/rw/a/b/f.bin", second);
    assertThat(v2.version()).as("a new version").isGreaterThan(v1.version());
    assertThat(v2.objectId()).isNotEqualTo(v1.objectId());
    assertThat(get("/rw/a/b/f.bin")).isEqualTo(second);

    files.rename("it", "/rw/a", "/rw/moved");
    assertThat(get("/rw/moved/b/f.bin")).isEqualTo(second);
    fails(ErrorCode.NOT_FOUND, () -> files.stat("it", "/rw/a/b/f.bin"));
    FileEntry empty = put("/rw/empty", new byte[0]);
    assertThat(empty.length()).isZero();
    assertThat(get("/rw/empty")).isEmpty();
  }

  @Test
  void everyRefusalIsTypedAndLeavesTheNamespaceAsItWas() throws Exception {
    files.mkdir("it", "/err/d", true);
    put("/err/file", random(10, 3));
    fails(ErrorCode.NOT_FOUND, () -> files.stat("it", "/err/none"));
    fails(ErrorCode.NOT_FOUND, () -> files.stat("no-such-volume", "/"));
    fails(ErrorCode.ALREADY_EXISTS, () -> files.mkdir("it", "/err/d", false));
    fails(ErrorCode.NOT_A_DIRECTORY, () -> files.mkdir("it", "/err/file/sub", true));
    fails(ErrorCode.IS_A_DIRECTORY, () -> get("/err/d"));
    fails(ErrorCode.IS_A_DIRECTORY, () -> put("/err/d", random(5, 4)));
    fails(ErrorCode.NOT_EMPTY, () -> files.delete("it", "/err", false));
    fails(ErrorCode.ALREADY_EXISTS, () -> files.rename("it", "/err/file", "/err/d"));
    fails(ErrorCode.INVALID_ARGUMENT, () -> files.rename("it", "/err", "/err/d/inside"));
    for (String bad : List.of("", "relative", "/a/../b", "/a/./b", "/a//b", "/a/", "/nul\0x", "/" + "n".repeat(256))) {
      fails(ErrorCode.INVALID_ARGUMENT, () -> files.mkdir("it", bad, true));
    }
    fails(ErrorCode.INVALID_ARGUMENT, () -> files.createVolume("bad name"));
    fails(ErrorCode.INVALID_ARGUMENT, () -> files.delete("it", "/", true));
    fails(ErrorCode.NOT_EMPTY, () -> files.deleteVolume("it"));

    try (RawDdm raw = rawDdm()) {
      Upload never = raw.create("it", "/err/never-written", null);
      assertThatThrownBy(() -> raw.commit("it", "/err/never-written", never.getUploadId(), never.getObjectId(), 1, 1,
          null))
          .isInstanceOf(io.dyad.thrift.NotFound.class);
      Upload wrong = raw.create("it", "/err/wrong-crc", null);
      objects.put(java.util.Optional.of(io.dyad.common.ObjectId.of(wrong.getObjectId())),
          () -> new java.io.ByteArrayInputStream(new byte[] {1, 2, 3}), 3, wrong.getWriteLocator());
      assertThatThrownBy(() -> raw.commit("it", "/err/wrong-crc", wrong.getUploadId(), wrong.getObjectId(), 3,
          12345, null))
          .isInstanceOf(io.dyad.thrift.ChecksumMismatch.class);
      Upload emptyBadCrc = raw.create("it", "/err/empty-bad-crc", null);
      assertThatThrownBy(() -> raw.commit("it", "/err/empty-bad-crc", emptyBadCrc.getUploadId(),
          emptyBadCrc.getObjectId(), 0, 7, null)).as("no bytes have CRC32C 0").isInstanceOf(io.dyad.thrift.InvalidArgument.class);
      assertThat(raw.listDirectory("it", "/err", "", 100).getEntries()).extracting(i -> i.getName())
          .containsExactly("d", "file");
    }
  }

  /** A FileSystem client straight on the wire (closing it closes its connection). */
  private static final class RawDdm extends FileSystem.Client implements AutoCloseable {
    RawDdm(HostAndPort at) throws DyadException {
      super(ThriftConnections.open(at, ThriftClientConfig.defaults()));
    }

    @Override
    public void close() {
      getInputProtocol().getTransport().close();
    }
  }

  private static RawDdm rawDdm() throws DyadException {
    return new RawDdm(cluster.ddmAddress());
  }

  @Test
  void theDosmServesObjectsOnlyWithAValidLocatorAndKeepsServing() throws Exception {
    put("/loc.bin", random(1000, 5));
    try (RawDdm ddm = rawDdm()) {
      OpenFile open = ddm.open("it", "/loc.bin");
      String id = open.getFile().getObjectId();
      ObjectGateway.Client dosm = new ObjectGateway.Client(ThriftConnections.open(cluster.dosmAddress(),
          ThriftClientConfig.defaults()));
      Locators other = new Locators(ClusterSecret.create(dir.resolve("other-secret")), Clock.systemUTC());
      Locators mine = new Locators(ClusterSecret.load(cluster.secretFile()), Clock.systemUTC());
      Locators past = new Locators(ClusterSecret.load(cluster.secretFile()),
          Clock.offset(Clock.systemUTC(), Duration.ofHours(-1)));
      Map<String, String> refused = new TreeMap<>();
      refused.put("none", "");
      refused.put("forged", open.getReadLocator().substring(0, open.getReadLocator().length() - 4) + "AAAA");
      refused.put("another cluster's", other.sign(Locator.Operation.READ, id, Duration.ofMinutes(5)));
      refused.put("expired", past.sign(Locator.Operation.READ, id, Duration.ofMinutes(5)));
      refused.put("wrong operation", mine.sign(Locator.Operation.WRITE, id, Duration.ofMinutes(5)));
      refused.put("wrong object", mine.sign(Locator.Operation.READ, "fs-other", Duration.ofMinutes(5)));
      for (Map.Entry<String, String> c : refused.entrySet()) {
        assertThatThrownBy(() -> dosm.get(id, 0, 100, c.getValue())).as(c.getKey()).isInstanceOf(AccessDenied.class);
        assertThatThrownBy(() -> dosm.stat(id, c.getValue())).as(c.getKey()).isInstanceOf(AccessDenied.class);
      }
      assertThatThrownBy(() -> dosm.deleteObject(id, open.getReadLocator())).as("a read locator deletes nothing")
          .isInstanceOf(AccessDenied.class);
      assertThatThrownBy(() -> dosm.beginPut(10, "", open.getReadLocator())).isInstanceOf(AccessDenied.class);
      ByteBuffer bytes = dosm.get(id, 0, 1000, open.getReadLocator());
      assertThat(bytes.remaining()).as("the same connection still serves a valid locator").isEqualTo(1000);
      dosm.getInputProtocol().getTransport().close();
    }
    assertThat(get("/loc.bin")).isEqualTo(random(1000, 5));
  }

  /** Whether the DOSM still serves the object (an operator's view: deleted objects are NotFound). */
  private static boolean exists(DyadClient admin, String objectId) throws DyadException {
    try {
      return !admin.stat(io.dyad.common.ObjectId.of(objectId)).tombstone();
    } catch (DyadException e) {
      if (e.code() == ErrorCode.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  @Test
  void aVolumeWhoseRecordIsMissingIsFoundByPointToPointAndByMulticastSearch() throws Exception {
    files.createVolume("lost");
    byte[] data = random(20_000, 9);
    files.put("lost", "/f", () -> new java.io.ByteArrayInputStream(data), data.length);
    String pair = cluster.view().current().volumes().get("lost").directoryPair();
    try (ZkSession zk = ZkSession.connect(cluster.zkConfig())) {
      zk.volumeRegistry().delete("lost"); // an operator's slip, or ZooKeeper restored from an old backup
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> !cluster.view().current().volumes().containsKey("lost"));

      // the cluster's DDM searches point to point
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      files.get("lost", "/f", out);
      assertThat(out.toByteArray()).isEqualTo(data);

      // another DDM searches by multicast, and changes reach the pair it finds as well
      DdmConfig multicast = DdmConfig.defaults("search-ddm", io.dyad.rpc.server.ThriftServerConfig.forChunks(
          new java.net.InetSocketAddress("127.0.0.1", 0), 1 << 20), java.util.Optional.of(ClusterSecret.load(
          cluster.secretFile()))).withSearch(new io.dyad.ddm.gateway.VolumeSearchConfig("multicast",
          io.dyad.search.MulticastSettings.loopback(), Duration.ofMillis(300)));
      Ddm ddm = DdmAssembly.create(multicast, new Coordination(zk, cluster.view()), new MetricRegistry());
      ddm.service().startAsync().awaitRunning();
      try (FileSystemClient searching = new FileSystemClient(List.of(HostAndPort.fromParts("127.0.0.1",
          ddm.address().getPort())), objects, ThriftClientConfig.defaults())) {
        out.reset();
        searching.get("lost", "/f", out);
        assertThat(out.toByteArray()).isEqualTo(data);
        searching.mkdir("lost", "/made-after", false);
        assertThat(files.stat("lost", "/made-after").directory()).isTrue();
        fails(ErrorCode.NOT_FOUND, () -> searching.stat("nowhere", "/"));
      } finally {
        ddm.service().stopAsync().awaitTerminated();
      }
    }
    // creating it again finds it and puts its record back, on the same pair
    fails(ErrorCode.ALREADY_EXISTS, () -> files.createVolume("lost"));
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> cluster.view().current().volumes().containsKey("lost"));
    assertThat(cluster.view().current().volumes().get("lost").directoryPair()).isEqualTo(pair);
  }

  @Test
  void garbageIsDeletedOnceDueAndAnAbandonedUploadCanNoLongerBeCommitted() throws Exception {
    // a DDM whose new volumes keep garbage 3 s (locators live 1 s, uploads 2 s): the directories' worker runs every 2 s
    DdmConfig quick = new DdmConfig("quick-ddm", io.dyad.rpc.server.ThriftServerConfig.forChunks(
        new java.net.InetSocketAddress("127.0.0.1", 0), 1 << 20), ThriftClientConfig.defaults(), Duration.ofSeconds(15),
        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3),
        java.util.Optional.of(ClusterSecret.load(cluster.secretFile())), io.dyad.ddm.gateway.VolumeSearchConfig.pointToPoint());
    try (ZkSession zk = ZkSession.connect(cluster.zkConfig())) {
      Ddm ddm = DdmAssembly.create(quick, new Coordination(zk, cluster.view()), new MetricRegistry());
      ddm.service().startAsync().awaitRunning();
      HostAndPort at = HostAndPort.fromParts("127.0.0.1", ddm.address().getPort());
      try (FileSystemClient fast = new FileSystemClient(List.of(at), objects, ThriftClientConfig.defaults());
           DyadClient admin = DyadClient.connect(ClientConfig.of(List.of(cluster.dosmAddress()))
               .withCredential(cluster.adminCredential()));
           RawDdm raw = new RawDdm(at)) {
        fast.createVolume("gc");
        byte[] kept = random(2000, 7);
        String replaced = fast.put("gc", "/f", () -> new java.io.ByteArrayInputStream(random(1000, 6)), 1000)
            .objectId().orElseThrow();
        fast.put("gc", "/f", () -> new java.io.ByteArrayInputStream(kept), kept.length);
        String removed = fast.put("gc", "/g", () -> new java.io.ByteArrayInputStream(random(10, 8)), 10)
            .objectId().orElseThrow();
        fast.delete("gc", "/g", false);
        Upload abandoned = raw.create("gc", "/h", null);
        objects.put(java.util.Optional.of(io.dyad.common.ObjectId.of(abandoned.getObjectId())),
            () -> new java.io.ByteArrayInputStream(new byte[] {1, 2, 3}), 3, abandoned.getWriteLocator());
        assertThat(exists(admin, replaced)).as("kept through the grace").isTrue();

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !exists(admin, replaced)
            && !exists(admin, removed) && !exists(admin, abandoned.getObjectId()));
        assertThatThrownBy(() -> raw.commit("gc", "/h", abandoned.getUploadId(), abandoned.getObjectId(), 3,
            crc(new byte[] {1, 2, 3}), null)).isInstanceOf(io.dyad.thrift.NotFound.class);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fast.get("gc", "/f", out);
        assertThat(out.toByteArray()).as("the current version is untouched").isEqualTo(kept);
      } finally {
        ddm.service().stopAsync().awaitTerminated();
      }
    }
  }

  private static int crc(byte[] b) {
    CRC32C c = new CRC32C();
    c.update(b);
    return (int) c.getValue();
  }

  @Test
  void aListingPagesThroughAThousandsOfEntriesInNameOrder() throws Exception {
    files.mkdir("it", "/many", false);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 2_100; i++) {
      names.add(String.format("e%05d", i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> done = new ArrayList<>();
    for (String n : names) {
      done.add(pool.submit(() -> files.mkdir("it", "/many/" + n, false)));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    List<String> listed = new ArrayList<>();
    files.list("it", "/many", e -> listed.add(e.name()));
    assertThat(listed).containsExactlyElementsOf(names);
  }

  @Test
  void concurrentClientsEachEndWithTheTreeTheirOwnOperationsDescribe() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<Map<String, String>>> results = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      int client = c;
      results.add(pool.submit(() -> randomWork(client)));
    }
    for (int c = 0; c < 4; c++) {
      Map<String, String> model = results.get(c).get();
      Map<String, String> actual = new TreeMap<>();
      walk("/c" + c, actual);
      assertThat(actual).as("client %d's tree", c).isEqualTo(model);
    }
    pool.shutdown();
  }

  /** Random mkdir, put, rename and remove under /cN; returns path -> "dir" or the file's length as the model has it. */
  private static Map<String, String> randomWork(int client) throws Exception {
    Random r = new Random(client);
    String root = "/c" + client;
    files.mkdir("it", root, false);
    Map<String, String> model = new TreeMap<>();
    List<String> dirs = new ArrayList<>(List.of(root));
    for (int i = 0; i < 60; i++) {
      String parent = dirs.get(r.nextInt(dirs.size()));
      String path = parent + "/n" + i;
      switch (r.nextInt(4)) {
        case 0 -> {
          files.mkdir("it", path, false);
          model.put(path, "dir");
          dirs.add(path);
        }
        case 1 -> {
          int n = r.nextInt(3000);
          put(path, random(n, i));
          model.put(path, Integer.toString(n));
        }
        case 2 -> {
          List<String> movable = model.keySet().stream().filter(p -> model.get(p).equals("dir") == false).toList();
          if (!movable.isEmpty()) {
            String from = movable.get(r.nextInt(movable.size()));
            files.rename("it", from, path);
            model.put(path, model.remove(from));
          }
        }
        default -> {
          List<String> files = model.keySet().stream().filter(p -> !model.get(p).equals("dir")).toList();
          if (!files.isEmpty()) {
            String gone = files.get(r.nextInt(files.size()));
            FileSystemIT.files.delete("it", gone, false);
            model.remove(gone);
          }
        }
      }
    }
    return model;
  }

  private static void walk(String path, Map<String, String> out) throws DyadException {
    List<FileEntry> children = new ArrayList<>();
    files.list("it", path, children::add);
    for (FileEntry e : children) {
      String child = path + "/" + e.name();
      if (e.directory()) {
        out.put(child, "dir");
        walk(child, out);
      } else {
        out.put(child, Long.toString(e.length()));
      }
    }
  }
}
