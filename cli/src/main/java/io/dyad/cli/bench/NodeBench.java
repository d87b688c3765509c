package io.dyad.cli.bench;

import com.codahale.metrics.MetricRegistry;
import com.google.common.io.ByteStreams;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import com.google.common.net.HostAndPort;
import io.dyad.common.ObjectId;
import io.dyad.node.StorageNodeAssembly;
import io.dyad.node.server.StorageNode;
import io.dyad.node.server.StorageNodeConfig;
import io.dyad.node.store.StoreConfig;
import io.dyad.rpc.StorageNodeClient;
import io.dyad.rpc.ThriftClientConfig;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dyad bench node}: big and small object writes and reads against one storage node over loopback,
 * each beside the matching raw limit measured in the same run (before and after, averaged).
 */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Write and read big and small objects through one storage node, beside the raw disk and loopback limits.")
final class NodeBench implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--data", description = "Directory on the disk to measure (default: a temporary directory).")
  Path data;

  @Option(names = "--listen", defaultValue = "127.0.1.11:0",
      description = "Where the benchmark's node listens (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--big-mib", defaultValue = "64", description = "Size of a big object in MiB (default: ${DEFAULT-VALUE}).")
  int bigMib;

  @Option(names = "--big-count", defaultValue = "8", description = "Big objects to write (default: ${DEFAULT-VALUE}).")
  int bigCount;

  @Option(names = "--small-kib", defaultValue = "4", description = "Size of a small object in KiB (default: ${DEFAULT-VALUE}).")
  int smallKib;

  @Option(names = "--small-count", defaultValue = "2000", description = "Small objects to write (default: ${DEFAULT-VALUE}).")
  int smallCount;

  @Option(names = "--threads", defaultValue = "4", description = "Concurrent clients for small objects (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--chunk-kib", defaultValue = "4096", description = "Chunk size in KiB (default: ${DEFAULT-VALUE}).")
  int chunkKib;

  @Option(names = "--loopback-mib", defaultValue = "4096", description = "MiB streamed for the raw loopback figure (default: ${DEFAULT-VALUE}).")
  int loopbackMib;

  @Override
  public Integer call() throws Exception {
    io.dyad.cli.LogLevels.forCommand();
    PrintWriter out = spec.commandLine().getOut();
    Path dir = data != null ? Files.createDirectories(data) : Files.createTempDirectory("dyad-bench-");
    Path nodeDir = Files.createDirectories(dir.resolve("node"));
    int chunk = chunkKib * 1024;
    StorageNode node = StorageNodeAssembly.standalone(StorageNodeConfig.of("bench",
        StoreConfig.defaults(nodeDir).withMaxChunkBytes(Math.max(chunk, StoreConfig.DEFAULT_MAX_CHUNK_BYTES))
            .withReserveBytes(0),
        new InetSocketAddress(HostAndPort.fromString(listen).getHost(), HostAndPort.fromString(listen).getPort())),
        new MetricRegistry());
    node.service().startAsync().awaitRunning();
    try {
      HostAndPort target = HostAndPort.fromParts(node.address().getAddress().getHostAddress(), node.address().getPort());
      out.printf("dyad bench node: %d x %d MiB and %d x %d KiB objects, %d KiB chunks, node %s, data in %s%n",
          bigCount, bigMib, smallCount, smallKib, chunkKib, target, dir);
      out.flush();
      run(out, dir, target, chunk);
    } finally {
      node.service().stopAsync().awaitTerminated();
      if (data == null) {
        MoreFiles.deleteRecursively(dir, RecursiveDeleteOption.ALLOW_INSECURE);
      } else {
        MoreFiles.deleteRecursively(nodeDir, RecursiveDeleteOption.ALLOW_INSECURE);
      }
    }
    return 0;
  }

  private void run(PrintWriter out, Path dir, HostAndPort target, int chunk) throws Exception {
    long bigBytes = bigMib * 1024L * 1024;
    byte[] big = new byte[(int) bigBytes];
    new Random(42).nextBytes(big);
    ThriftClientConfig clientConfig = ThriftClientConfig.defaults();

    warmUp(target, clientConfig, big, chunk);
    Rate disk1 = RawLimits.diskWrite(dir, bigCount, bigBytes, chunk);
    Rate bigPut;
    List<ObjectId> bigIds = new ArrayList<>();
    try (StorageNodeClient client = StorageNodeClient.connect(target, clientConfig, chunk)) {
      long start = System.nanoTime();
      for (int i = 0; i < bigCount; i++) {
        ObjectId id = ObjectId.of("big-" + i);
        client.put(id, new ByteArrayInputStream(big), bigBytes);
        bigIds.add(id);
      }
      bigPut = Rate.bytes("node put big", bigCount * bigBytes, System.nanoTime() - start);
    }
    Rate disk2 = RawLimits.diskWrite(dir, bigCount, bigBytes, chunk);
    Rate disk = Rate.mean("raw disk", disk1, disk2);

    Rate loop1 = RawLimits.loopbackStream(loopbackMib * 1024L * 1024, chunk);
    Rate bigGet;
    try (StorageNodeClient client = StorageNodeClient.connect(target, clientConfig, chunk)) {
      long start = System.nanoTime();
      for (ObjectId id : bigIds) {
        client.get(id, ByteStreams.nullOutputStream());
      }
      bigGet = Rate.bytes("node get big", bigCount * bigBytes, System.nanoTime() - start);
    }
    Rate loop2 = RawLimits.loopbackStream(loopbackMib * 1024L * 1024, chunk);
    Rate loop = Rate.mean("raw loopback", loop1, loop2);

    int smallBytes = smallKib * 1024;
    Rate rawSmall = RawLimits.smallFileWrites(dir, Math.min(smallCount, 1000), smallBytes);
    Rate smallPut = smallObjects(target, clientConfig, smallBytes, true);
    Rate smallGet = smallObjects(target, clientConfig, smallBytes, false);

    out.println();
    out.printf("%-48s %16s %s%n", "measure", "rate", "ratio");
    line(out, String.format("raw disk write+fsync, %d MiB files (mean of 2)", bigMib), disk, null, null);
    line(out, String.format("node put %d MiB objects", bigMib), bigPut, disk, "of raw disk (target >= 0.80)");
    line(out, "raw loopback TCP stream (mean of 2)", loop, null, null);
    line(out, String.format("node get %d MiB objects (page cache)", bigMib), bigGet, loop,
        "of raw loopback (target >= 0.50)");
    line(out, String.format("raw %d KiB file write+fsync, 1 writer", smallKib), rawSmall, null, null);
    line(out, String.format("node put %d KiB objects, %d clients", smallKib, threads), smallPut, rawSmall,
        "of raw small writes");
    line(out, String.format("node get %d KiB objects, %d clients", smallKib, threads), smallGet, null, null);
    out.flush();
  }

  /** Runs every code path once so that the JIT has compiled it before anything is timed. */
  private static void warmUp(HostAndPort target, ThriftClientConfig config, byte[] big, int chunk) throws Exception {
    try (StorageNodeClient client = StorageNodeClient.connect(target, config, chunk)) {
      for (int i = 0; i < 3; i++) {
        ObjectId id = ObjectId.of("warm-up-" + i);
        client.put(id, new ByteArrayInputStream(big), big.length);
        client.get(id, ByteStreams.nullOutputStream());
        client.delete(id);
      }
    }
  }

  private static void line(PrintWriter out, String what, Rate r, Rate reference, String note) {
    String ratio = reference == null ? "" : String.format(Locale.ROOT, "%.2f %s", r.perSecond() / reference.perSecond(), note);
    out.printf("%-48s %16s %s%n", what, r.formatted(), ratio);
  }

  /** Writes (or reads back) smallCount objects from {@code threads} clients at once. */
  private Rate smallObjects(HostAndPort target, ThriftClientConfig config, int bytes, boolean write) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      long start = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          byte[] content = new byte[bytes];
          new Random(thread).nextBytes(content);
          try (StorageNodeClient client = StorageNodeClient.connect(target, config)) {
            for (int i = thread; i < smallCount; i += threads) {
              ObjectId id = ObjectId.of("small-" + i);
              if (write) {
                client.put(id, new ByteArrayInputStream(content), bytes);
              } else {
                client.get(id, ByteStreams.nullOutputStream());
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      return Rate.ops(write ? "node put small" : "node get small", smallCount, System.nanoTime() - start);
    } finally {
      pool.shutdownNow();
    }
  }

}
