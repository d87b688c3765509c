package io.dyad.cli.bench;

import com.google.common.io.ByteStreams;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import io.dyad.cli.DosmOptions;
import io.dyad.cli.LocalCluster;
import io.dyad.cli.LogLevels;
import io.dyad.client.ClientConfig;
import io.dyad.client.DyadClient;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.rpc.ThriftClientConfig;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dyad bench cluster}: object throughput through a DOSM with both replicas, beside the raw disk and
 * loopback limits of the same run, then a failover drill (kill -9 of a storage node under load).
 *
 * <p>It runs its own cluster of the {@code dyad local} layout (embedded ZooKeeper, 3 + 3 storage nodes, a
 * coordinator, a DOSM), with the storage nodes as separate processes so that one can be killed.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Put/get throughput through a DOSM with both replicas, raw limits, and a kill -9 failover drill, "
        + "on a local cluster of the 'dyad local' layout whose storage nodes are processes.")
final class ClusterBench implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DosmOptions dosm;

  @Option(names = "--data", description = "Directory on the disk to measure (default: a temporary directory).")
  Path data;

  @Option(names = "--big-mib", defaultValue = "64", description = "Size of a big object in MiB (default: ${DEFAULT-VALUE}).")
  int bigMib;

  @Option(names = "--big-count", defaultValue = "6", description = "Big objects to put (default: ${DEFAULT-VALUE}).")
  int bigCount;

  @Option(names = "--small-count", defaultValue = "2000", description = "4 KiB objects to put (default: ${DEFAULT-VALUE}).")
  int smallCount;

  @Option(names = "--threads", defaultValue = "4", description = "Concurrent clients for small objects and the drill (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--chunk-kib", defaultValue = "4096", description = "Client chunk size in KiB (default: ${DEFAULT-VALUE}).")
  int chunkKib;

  @Option(names = "--tls", description = "Run the cluster with mutual TLS on every link, as dyad local does.")
  boolean tls;

  @Option(names = "--drill-seconds", defaultValue = "15", description = "How long the load runs after the kill (default: ${DEFAULT-VALUE}).")
  int drillSeconds;

  @Override
  public Integer call() throws Exception {
    LogLevels.forCommand();
    PrintWriter out = spec.commandLine().getOut();
    Path dir = data != null ? Files.createDirectories(data) : Files.createTempDirectory("dyad-bench-cluster-");
    Path clusterDir = dir.resolve("cluster");
    LocalCluster.Options options = LocalCluster.Options.onFreePorts(clusterDir, dosm, true, Duration.ofSeconds(2),
        Duration.ofMillis(500), false);
    LocalCluster cluster = new LocalCluster(tls ? options.withTls() : options,
        new PrintWriter(java.io.Writer.nullWriter()));
    out.printf("dyad bench cluster: starting a local cluster (3 + 3 node processes%s) in %s%n",
        tls ? ", mutual TLS" : "", clusterDir);
    out.flush();
    cluster.startAsync().awaitRunning();
    ThriftClientConfig thrift = ThriftClientConfig.defaults().withRequestTimeout(Duration.ofSeconds(30))
        .withTls(cluster.tls());
    try (DyadClient client = DyadClient.connect(ClientConfig.of(List.of(cluster.dosmAddress()))
        .withCredential(cluster.adminCredential()).withChunkBytes(chunkKib * 1024).withThrift(thrift))) {
      throughput(out, dir, client);
      ClientConfig drillClients = ClientConfig.of(List.of(cluster.dosmAddress()))
          .withCredential(cluster.adminCredential());
      FailoverDrill.Result drill = new FailoverDrill(cluster, drillClients.withThrift(drillClients.thrift()
          .withTls(cluster.tls())), threads, Duration.ofSeconds(drillSeconds)).run();
      out.println();
      out.println("failover drill: kill -9 of storage node " + drill.killed() + " under load (" + threads
          + " writers + " + threads + " readers, 64 KiB objects)");
      out.printf(Locale.ROOT, "  operations during the drill        %d puts, %d gets%n", drill.puts(), drill.gets());
      out.printf(Locale.ROOT, "  failed client operations           %d%s%n", drill.failures().size(),
          drill.failures().isEmpty() ? "" : " e.g. " + drill.failures().get(0));
      out.printf(Locale.ROOT, "  longest read stall                 %d ms (target < 1000 ms)%n", drill.longestReadMillis());
      out.printf(Locale.ROOT, "  longest write stall                %d ms%n", drill.longestWriteMillis());
      out.printf(Locale.ROOT, "  kill to failover declared          %d ms (session timeout 2000 ms + grace 500 ms)%n",
          drill.declaredAfterMillis());
      out.printf(Locale.ROOT, "  every acknowledged object re-read  %s (%d objects checked by CRC32C)%n",
          drill.allVerified() ? "ok" : "FAILED", drill.verified());
      out.flush();
    } finally {
      cluster.stopAsync().awaitTerminated();
      MoreFiles.deleteRecursively(data == null ? dir : clusterDir, RecursiveDeleteOption.ALLOW_INSECURE);
    }
    return 0;
  }

  private void throughput(PrintWriter out, Path dir, DyadClient client) throws Exception {
    long bigBytes = bigMib * 1024L * 1024;
    byte[] big = new byte[(int) bigBytes];
    new Random(42).nextBytes(big);
    int chunk = chunkKib * 1024;
    // warm up every code path (JIT) before timing anything
    for (int i = 0; i < 2; i++) {
      ObjectMeta m = client.put(Optional.empty(), () -> new ByteArrayInputStream(big), bigBytes);
      client.get(m.id(), ByteStreams.nullOutputStream());
    }
    Rate disk1 = RawLimits.diskWrite(dir, bigCount, bigBytes, chunk);
    List<ObjectId> ids = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < bigCount; i++) {
      ids.add(client.put(Optional.empty(), () -> new ByteArrayInputStream(big), bigBytes).id());
    }
    Rate bigPut = Rate.bytes("cluster put big", bigCount * bigBytes, System.nanoTime() - start);
    Rate disk2 = RawLimits.diskWrite(dir, bigCount, bigBytes, chunk);
    Rate disk = Rate.mean("raw disk", disk1, disk2);

    Rate loop1 = RawLimits.loopbackStream(2048L * 1024 * 1024, chunk);
    start = System.nanoTime();
    for (ObjectId id : ids) {
      client.get(id, ByteStreams.nullOutputStream());
    }
    Rate bigGet = Rate.bytes("cluster get big", bigCount * bigBytes, System.nanoTime() - start);
    Rate loop2 = RawLimits.loopbackStream(2048L * 1024 * 1024, chunk);
    Rate loop = Rate.mean("raw loopback", loop1, loop2);

    Rate rawSmall = RawLimits.smallFileWrites(dir, Math.min(smallCount, 1000), 4096);
    List<ObjectId> small = new ArrayList<>();
    Rate smallPut = smallOps(client, small, true);
    Rate smallGet = smallOps(client, small, false);

    out.println();
    out.printf("%-52s %16s %s%n", "measure", "rate", "ratio");
    line(out, String.format("raw disk write+fsync, %d MiB files (mean of 2)", bigMib), disk, null, null);
    line(out, String.format("put %d MiB objects via DOSM, both replicas", bigMib), bigPut, disk,
        "of raw disk; " + fmt(bigPut.perSecond() / (disk.perSecond() / 2)) + " of half of it (target >= 0.80)");
    line(out, "raw loopback TCP stream (mean of 2)", loop, null, null);
    line(out, String.format("get %d MiB objects, direct from node (page cache)", bigMib), bigGet, loop,
        "of raw loopback");
    line(out, "raw 4 KiB file write+fsync, 1 writer", rawSmall, null, null);
    line(out, String.format("put 4 KiB objects via DOSM, %d clients, one call", threads), smallPut, rawSmall,
        "of raw small writes");
    line(out, String.format("get 4 KiB objects, %d clients", threads), smallGet, null, null);
    out.flush();
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.2f", d);
  }

  private static void line(PrintWriter out, String what, Rate r, Rate reference, String note) {
    String ratio = reference == null ? "" : fmt(r.perSecond() / reference.perSecond()) + " " + note;
    out.printf("%-52s %16s %s%n", what, r.formatted(), ratio);
    if (r.latencies() != null) {
      out.printf(Locale.ROOT, "%-52s %16s%n", "  latency p50 / p99",
          String.format(Locale.ROOT, "%.2f / %.2f ms", r.percentileMillis(50), r.percentileMillis(99)));
    }
  }

  private Rate smallOps(DyadClient client, List<ObjectId> ids, boolean write) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      byte[] content = new byte[4096];
      new Random(7).nextBytes(content);
      List<Future<List<ObjectId>>> done = new ArrayList<>();
      List<ObjectId> existing = List.copyOf(ids);
      long[] latencies = new long[smallCount];
      long start = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          List<ObjectId> mine = new ArrayList<>();
          for (int i = thread; i < smallCount; i += threads) {
            long began = System.nanoTime();
            if (write) {
              mine.add(client.put(Optional.empty(), () -> new ByteArrayInputStream(content), content.length).id());
            } else {
              client.get(existing.get(i), ByteStreams.nullOutputStream());
            }
            latencies[i] = System.nanoTime() - began;
          }
          return mine;
        }));
      }
      for (Future<List<ObjectId>> f : done) {
        ids.addAll(f.get());
      }
      return Rate.ops(write ? "put small" : "get small", smallCount, System.nanoTime() - start)
          .withLatencies(latencies);
    } finally {
      pool.shutdownNow();
    }
  }
}
