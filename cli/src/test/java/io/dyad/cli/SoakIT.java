package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dyad.dosm.Dosm;
import io.dyad.dosm.DosmConfig;
import io.dyad.dosm.DosmStats;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mixed load (puts, gets, deletes) while members are killed and restarted on a schedule — by a
 * supervisor at once, or after their failover — ends with no failed request, every acknowledged object intact,
 * every delete still a delete, and thread, connection and file-handle counts where they started.
 * {@code -Ddyad.soak.seconds=N} sets how long: by default 20 s (at least one round of each kind of restart), 60 s
 * with {@code -Ddyad.it.full=true}.
 */
class SoakIT {
  private static final List<String> VICTIMS = List.of("a1", "b2", "a3", "b1", "a2");
  /** Never restarted: their processes' counts must not creep up. */
  private static final List<String> WITNESSES = List.of("b3");

  @TempDir Path dir;

  @Test
  void membersKilledAndRestartedOnAScheduleCostNothingAndLeakNothing() throws Exception {
    Duration length = Duration.ofSeconds(Long.getLong("dyad.soak.seconds",
        Boolean.getBoolean("dyad.it.full") ? 60 : 20));
    try (TestCluster cluster = new TestCluster(dir, DosmConfig.MULTICAST)) {
      Acked acked = new Acked();
      for (int i = 0; i < 100; i++) {
        acked.put(cluster.client, 200_000 + i);
      }
      try (Workload load = new Workload(cluster.client, acked, 3, 3, 1, 201_000_000)) {
        await().atMost(Duration.ofSeconds(30)).until(() -> load.done() > 50);
        Counts before = Counts.of(cluster);
        long end = System.nanoTime() + length.toNanos();
        int round = 0;
        // however short the soak, both kinds of restart happen at least once
        while (System.nanoTime() < end || round < 2) {
          String victim = VICTIMS.get(round % VICTIMS.size());
          if (round % 2 == 0) {
            cluster.killAndRestartAtOnce(victim); // a supervisor, before any failover is declared
          } else {
            cluster.kill(victim);
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.snapshot().failover(victim).isPresent());
            cluster.restart(victim);
          }
          cluster.awaitServing(victim, Duration.ofSeconds(90));
          long done = load.done();
          await().atMost(Duration.ofSeconds(30)).until(() -> load.done() > done + 30);
          round++;
        }
        load.close();
        assertThat(load.failures).as("failed requests, resurrected deletes, NotFound for acknowledged objects")
            .isEmpty();
        System.out.printf("soak: %d rounds in %d s; %d puts, %d gets, %d deletes, %d reads of deleted objects;"
            + " longest request %d ms%n", round, length.toSeconds(), load.writes.get(), load.reads.get(),
            load.deletes.get(), load.readsOfDeleted.get(), load.longestNanos.get() / 1_000_000);
        // idle connections expire: within the pools' idle time (30 s) the counts must be back within bounds
        Counts[] after = new Counts[1];
        try {
          await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            after[0] = Counts.of(cluster);
            after[0].assertNoGrowthFrom(before);
          });
        } finally {
          System.out.println("soak: before " + before + ", after " + after[0]);
        }
      }
      acked.verifyAll(cluster.client);
    }
  }

  /** Threads, file handles and connections of the test's JVM (the DOSMs) and the witness nodes' processes. */
  private record Counts(int jvmThreads, long jvmFiles, List<DosmStats> dosms, List<long[]> witnesses) {
    static Counts of(TestCluster cluster) throws IOException {
      List<long[]> w = new java.util.ArrayList<>();
      for (String m : WITNESSES) {
        long pid = cluster.process(m).pid();
        w.add(new long[] {files(Path.of("/proc", Long.toString(pid), "fd")), threads(pid)});
      }
      return new Counts(ManagementFactory.getThreadMXBean().getThreadCount(), files(Path.of("/proc/self/fd")),
          cluster.dosms.stream().map(Dosm::stats).toList(), w);
    }

    static long files(Path fdDir) throws IOException {
      try (Stream<Path> fds = Files.list(fdDir)) {
        return fds.count();
      }
    }

    static long threads(long pid) throws IOException {
      return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
          .filter(l -> l.startsWith("Threads:")).mapToLong(l -> Long.parseLong(l.substring(8).trim()))
          .findFirst().orElseThrow();
    }

    void assertNoGrowthFrom(Counts before) {
      assertThat(jvmThreads).as("threads of the JVM running the DOSMs").isLessThanOrEqualTo(before.jvmThreads + 30);
      assertThat(jvmFiles).as("file handles of the JVM running the DOSMs").isLessThanOrEqualTo(before.jvmFiles + 60);
      for (int i = 0; i < dosms.size(); i++) {
        DosmStats b = before.dosms.get(i);
        DosmStats a = dosms.get(i);
        assertThat(a.openPuts()).as("puts left open on a DOSM").isZero();
        assertThat(a.clientConnections()).as("client connections of a DOSM").isLessThanOrEqualTo(
            b.clientConnections() + 16);
        assertThat(a.nodeConnections()).as("node connections of a DOSM (idle ones expire)")
            .isLessThanOrEqualTo(Math.max(b.nodeConnections(), 16) + 16);
      }
      for (int i = 0; i < witnesses.size(); i++) {
        assertThat(witnesses.get(i)[0]).as("file handles of %s", WITNESSES.get(i))
            .isLessThanOrEqualTo(before.witnesses.get(i)[0] + 60);
        assertThat(witnesses.get(i)[1]).as("threads of %s", WITNESSES.get(i))
            .isLessThanOrEqualTo(before.witnesses.get(i)[1] + 30);
      }
    }

    @Override
    public String toString() {
      StringBuilder w = new StringBuilder();
      for (int i = 0; i < witnesses.size(); i++) {
        w.append(WITNESSES.get(i)).append(": ").append(witnesses.get(i)[0]).append(" files, ")
            .append(witnesses.get(i)[1]).append(" threads; ");
      }
      return "JVM " + jvmThreads + " threads, " + jvmFiles + " files; DOSMs " + dosms + "; " + w;
    }
  }
}
