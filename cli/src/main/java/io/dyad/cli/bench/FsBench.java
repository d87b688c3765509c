package io.dyad.cli.bench;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import io.dyad.cli.DosmOptions;
import io.dyad.cli.LocalCluster;
import io.dyad.client.ClientConfig;
import io.dyad.client.DyadClient;
import io.dyad.client.FileSystemClient;
import io.dyad.rpc.ThriftClientConfig;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dyad bench fs}: namespace operations per second through a DDM, both directories of the pair durable, with 1
 * and 4 client threads; the listing rate of a big directory; and a failover drill (kill -9 of a volume's primary
 * directory, a process of its own, under a writer). The rates are taken on the {@code dyad local} layout (everything
 * in one JVM), or with the directories as processes. Figures are printed
 * beside HDFS's on this machine and Dyad's targets (twice those).
 */
@Command(name = "fs", mixinStandardHelpOptions = true,
    description = "Measure namespace operations through the DDM on a local cluster, a big listing, and a kill -9 of a "
        + "primary directory (a process) under a writer.")
final class FsBench implements Callable<Integer> {
  /** HDFS 3.5 NameNode HA over 3 JournalNodes on this machine, 1 client thread (the reference). */
  private static final double HDFS_MKDIR = 1574;
  private static final double HDFS_CREATE = 537;
  private static final double HDFS_CREATE_4 = 1507;
  private static final double HDFS_STAT = 8395;
  private static final double HDFS_RENAME = 3247;
  private static final double HDFS_DELETE = 4559;
  private static final double HDFS_LIST = 55_000;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", description = "Where the cluster is kept (default: a temporary directory, removed after).")
  Path data;

  @Option(names = "--ops", defaultValue = "2000", description = "Operations of each kind per run (default: ${DEFAULT-VALUE}).")
  int ops;

  @Option(names = "--list-entries", defaultValue = "100000",
      description = "Entries of the directory that is listed (default: ${DEFAULT-VALUE}).")
  int listEntries;

  @Option(names = "--drill-seconds", defaultValue = "12", description = "How long the writer runs after the kill (default: ${DEFAULT-VALUE}).")
  int drillSeconds;

  @Option(names = "--directory-processes",
      description = "Measure the rates with the directory servers as separate processes (default: in this JVM, as "
          + "'dyad local' runs them). The failover drill always kills a directory process.")
  boolean directoryProcesses;

  @Override
  public Integer call() throws Exception {
    io.dyad.cli.LogLevels.forCommand();
    PrintWriter out = spec.commandLine().getOut();
    Path dir = data != null ? Files.createDirectories(data) : Files.createTempDirectory("dyad-bench-fs-");
    try {
      out.printf("dyad bench fs: rates on a local cluster with its directory servers %s (sessions %d ms, grace %d ms, "
          + "as dyad local) in %s%n", directoryProcesses ? "as processes" : "in this JVM", LocalCluster.DEFAULT_SESSION_MS,
          LocalCluster.DEFAULT_GRACE_MS, dir);
      out.flush();
      try (Bench rates = Bench.start(dir.resolve("rates"), directoryProcesses)) {
        FileSystemClient files = rates.files;
        files.createVolume("bench");
        warmUp(files);
        out.println();
        out.printf("%-44s %14s %14s  %s%n", "namespace operation (both directories durable)", "1 thread",
            "4 threads", "HDFS 1 thread; target 2x");
        row(out, files, "mkdir", HDFS_MKDIR, (f, t, i) -> f.mkdir("bench", "/mk-" + t + "-" + i, false));
        row(out, files, "create + commit of an empty file", HDFS_CREATE,
            (f, t, i) -> f.put("bench", "/f-" + t + "-" + i, () -> new ByteArrayInputStream(new byte[0]), 0));
        row(out, files, "stat", HDFS_STAT, (f, t, i) -> f.stat("bench", "/f-" + t + "-" + i));
        row(out, files, "rename", HDFS_RENAME,
            (f, t, i) -> f.rename("bench", "/f-" + t + "-" + i, "/r-" + t + "-" + i));
        row(out, files, "delete", HDFS_DELETE, (f, t, i) -> f.delete("bench", "/r-" + t + "-" + i, false));
        out.printf(Locale.ROOT, "  (create + commit with 4 threads: HDFS %.0f/s; target %.0f/s)%n", HDFS_CREATE_4,
            2 * HDFS_CREATE_4);
        listing(out, files);
        out.flush();
      }
      out.printf("%nstarting a local cluster with its directory servers as processes for the failover drill%n");
      out.flush();
      try (Bench drill = Bench.start(dir.resolve("drill"), true)) {
        drill.files.createVolume("bench");
        DirectoryDrill d = new DirectoryDrill(drill.cluster, drill.files, "bench", Duration.ofSeconds(drillSeconds));
        d.run(DirectoryDrill.Fault.KILL, out);
        d.run(DirectoryDrill.Fault.PAUSE, out);
        out.flush();
      }
    } finally {
      MoreFiles.deleteRecursively(data == null ? dir : dir.resolve("rates"), RecursiveDeleteOption.ALLOW_INSECURE);
      if (data != null) {
        MoreFiles.deleteRecursively(dir.resolve("drill"), RecursiveDeleteOption.ALLOW_INSECURE);
      }
    }
    return 0;
  }

  /** A local cluster of the {@code dyad local} layout and clients of it; closing stops it. */
  private record Bench(LocalCluster cluster, DyadClient objects, FileSystemClient files) implements AutoCloseable {
    static Bench start(Path clusterDir, boolean directoryProcesses) throws Exception {
      DosmOptions dosm = CommandLine.populateCommand(new DosmOptions(), "--search", "point-to-point");
      LocalCluster cluster = new LocalCluster(LocalCluster.Options.onFreePorts(clusterDir, dosm, false,
          Duration.ofMillis(LocalCluster.DEFAULT_SESSION_MS), Duration.ofMillis(LocalCluster.DEFAULT_GRACE_MS),
          directoryProcesses),
          new PrintWriter(java.io.Writer.nullWriter()));
      cluster.startAsync().awaitRunning();
      DyadClient objects = DyadClient.connect(ClientConfig.of(List.of(cluster.dosmAddress())));
      FileSystemClient files = new FileSystemClient(List.of(cluster.ddmAddress()), objects,
          ThriftClientConfig.defaults().withRequestTimeout(Duration.ofSeconds(30)));
      return new Bench(cluster, objects, files);
    }

    @Override
    public void close() {
      files.close();
      objects.close();
      cluster.stopAsync().awaitTerminated();
    }
  }

  /** One operation of thread {@code t}, number {@code i}. */
  @FunctionalInterface
  private interface Op {
    void run(FileSystemClient files, int thread, int i) throws Exception;
  }

  private void warmUp(FileSystemClient files) throws Exception {
    for (int i = 0; i < 300; i++) {
      files.mkdir("bench", "/warm-" + i, false);
      files.put("bench", "/warm-" + i + "/f", () -> new ByteArrayInputStream(new byte[0]), 0);
      files.stat("bench", "/warm-" + i + "/f");
    }
  }

  /** Runs {@code op} with 1 thread (prefix t1) and with 4 (t4), and prints both rates beside HDFS's. */
  private void row(PrintWriter out, FileSystemClient files, String name, double hdfs, Op op) throws Exception {
    double one = rate(files, 1, op);
    double four = rate(files, 4, op);
    out.printf(Locale.ROOT, "%-44s %11.0f/s %11.0f/s  %.0f/s -> %.2fx (target >= 2)%n", name, one, four, hdfs,
        one / hdfs);
    out.flush();
  }

  private double rate(FileSystemClient files, int threads, Op op) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      int per = ops / threads;
      long start = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        int thread = threads * 10 + t; // t1x and t4x name different files
        done.add(pool.submit(() -> {
          for (int i = 0; i < per; i++) {
            op.run(files, thread, i);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      return per * threads / ((System.nanoTime() - start) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }

  private void listing(PrintWriter out, FileSystemClient files) throws Exception {
    files.mkdir("bench", "/big", false);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = thread; i < listEntries; i += 4) {
            files.mkdir("bench", String.format("/big/e%07d", i), false);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    AtomicLong seen = new AtomicLong();
    long start = System.nanoTime();
    files.list("bench", "/big", e -> seen.incrementAndGet());
    double rate = seen.get() / ((System.nanoTime() - start) / 1e9);
    out.printf(Locale.ROOT, "%-44s %11.0f/s %14s  %.0f/s -> %.2fx (target >= 100000/s)%n",
        "list a " + listEntries + "-entry directory (entries)", rate, "", HDFS_LIST, rate / HDFS_LIST);
    if (seen.get() != listEntries) {
      out.printf("  LISTED %d ENTRIES, NOT %d%n", seen.get(), listEntries);
    }
  }
}
