package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.dosm.DosmConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * An object many times bigger than the heap goes in and out through a DOSM process and through the Java client
 * (the {@code dyad object} command, a process too), each with a small heap: memory stays bounded by chunks in
 * flight, never by the object. The DOSM's resident memory is printed before and after.
 *
 * <p>CI moves 512 MiB through 64 MiB heaps (8 times the heap: with 32 MiB heaps and 512 MiB the DOSM ended on
 * OutOfMemoryError); {@code -Ddyad.it.full=true} 1 GiB; the 10 GiB through 256 MiB:
 * {@code mvn verify -pl cli -Dit.test=BigObjectMemoryIT -Ddyad.big.mib=10240 -Ddyad.big.heap=-Xmx256m}.
 */
class BigObjectMemoryIT {
  private static final boolean FULL = Boolean.getBoolean("dyad.it.full");
  private static final long BYTES = Long.getLong("dyad.big.mib", FULL ? 1024 : 512) << 20;
  private static final String HEAP = System.getProperty("dyad.big.heap", "-Xmx64m");

  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

  @Test
  void anObjectManyTimesTheHeapGoesThroughADosmAndAClientWithSmallHeaps() throws Exception {
    TestCluster.Options options = TestCluster.Options.of(DosmConfig.POINT_TO_POINT).withInProcessDosms(0)
        .withInProcessNodes();
    try (TestCluster cluster = new TestCluster(dir, options)) {
      DyadProcess dosm = cluster.startDosmProcess("m1", HEAP);
      String gateway = dosm.awaitOutput("dosm \\S+ listening on (\\S+)", Duration.ofSeconds(5));
      Path source = dir.resolve("big.in");
      int crc = writeGenerated(source, BYTES);
      long rssBefore = residentKib(dosm.pid());
      Map<String, String> env = Map.of("DYAD_HEAP", HEAP);

      long start = System.nanoTime();
      DyadProcess.Result put = DyadProcess.run(dir.resolve("logs"), env, Duration.ofMinutes(30), "object", "put",
          source.toString(), "--dosm", gateway);
      long putNanos = System.nanoTime() - start;
      assertThat(put.exitCode()).as("put: %s", put.stderr()).isZero();
      String id = put.stdout().trim();
      Files.delete(source);

      Path target = dir.resolve("big.out");
      // through the DOSM first, then straight from the storage node (the client's default)
      long viaGatewayNanos = getInto(target, env, id, crc, "--dosm", gateway, "--via-gateway");
      long directNanos = getInto(target, env, id, crc, "--dosm", gateway);

      long rssAfter = residentKib(dosm.pid());
      long rssPeak = peakResidentKib(dosm.pid());
      System.out.printf(Locale.ROOT, "BigObjectMemoryIT: %d MiB through a DOSM and a client with %s: put %.1f MB/s, "
          + "get through the DOSM %.1f MB/s, direct get %.1f MB/s; DOSM resident memory %d MiB before, %d MiB after, "
          + "%d MiB at most%n", BYTES >> 20, HEAP, mbPerSecond(putNanos), mbPerSecond(viaGatewayNanos),
          mbPerSecond(directNanos), rssBefore >> 10, rssAfter >> 10, rssPeak >> 10);
      assertThat(dosm.isAlive()).as("the DOSM survived (it exits on OutOfMemoryError)").isTrue();
    }
  }

  /** Runs {@code dyad object get ID TARGET ARGS}, checks what came back, removes it; returns the time taken. */
  private long getInto(Path target, Map<String, String> env, String id, int crc, String... args) throws Exception {
    String[] command = new String[4 + args.length];
    command[0] = "object";
    command[1] = "get";
    command[2] = id;
    command[3] = target.toString();
    System.arraycopy(args, 0, command, 4, args.length);
    long start = System.nanoTime();
    DyadProcess.Result get = DyadProcess.run(dir.resolve("logs"), env, Duration.ofMinutes(30), command);
    long nanos = System.nanoTime() - start;
    assertThat(get.exitCode()).as("get: %s", get.stderr()).isZero();
    assertThat(Files.size(target)).isEqualTo(BYTES);
    assertThat(crcOf(target)).as("CRC32C of what came back").isEqualTo(crc);
    Files.delete(target);
    return nanos;
  }

  private static double mbPerSecond(long nanos) {
    return BYTES / 1e6 / (nanos / 1e9);
  }

  private static int writeGenerated(Path file, long length) throws IOException {
    CRC32C crc = new CRC32C();
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Streams.generated(91, length); OutputStream out = Files.newOutputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        crc.update(buf, 0, n);
        out.write(buf, 0, n);
      }
    }
    return (int) crc.getValue();
  }

  private static int crcOf(Path file) throws IOException {
    CRC32C crc = new CRC32C();
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        crc.update(buf, 0, n);
      }
    }
    return (int) crc.getValue();
  }

  private static long residentKib(long pid) throws IOException {
    return statusField(pid, "VmRSS:");
  }

  private static long peakResidentKib(long pid) throws IOException {
    return statusField(pid, "VmHWM:");
  }

  private static long statusField(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
      }
    }
    throw new IOException(field + " not in /proc/" + pid + "/status");
  }
}
