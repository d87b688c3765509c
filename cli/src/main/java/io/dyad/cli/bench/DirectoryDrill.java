package io.dyad.cli.bench;

import io.dyad.cli.LocalCluster;
import io.dyad.client.FileSystemClient;
import io.dyad.common.DyadException;
import io.dyad.coordinator.model.FailoverState;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.directory.api.PairRoles;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fault of a volume's primary directory server (a process) under a writer making directories through the DDM:
 * kill -9, or SIGSTOP for a while and SIGCONT. Reports what the writer saw — failed operations, its longest gap
 * between two acknowledged changes, when the failover was declared — and checks every acknowledged directory
 * afterwards, once the member is back and failed back.
 */
final class DirectoryDrill {
  /** What to do to the primary. */
  enum Fault {
    KILL("kill -9"),
    PAUSE("SIGSTOP for 10 s");

    final String label;

    Fault(String label) {
      this.label = label;
    }
  }

  private static final Duration PAUSE = Duration.ofSeconds(10);

  private final LocalCluster cluster;
  private final FileSystemClient files;
  private final String volume;
  private final Duration after;

  DirectoryDrill(LocalCluster cluster, FileSystemClient files, String volume, Duration after) {
    this.cluster = cluster;
    this.files = files;
    this.volume = volume;
    this.after = after;
  }

  void run(Fault fault, PrintWriter out) throws Exception {
    ClusterSnapshot s = cluster.view().current();
    String victim = PairRoles.primary(s, s.pairs().get(s.volumes().get(volume).directoryPair())).orElseThrow();
    String dir = "/drill-" + fault.name().toLowerCase(Locale.ROOT);
    files.mkdir(volume, dir, false);
    List<String> acked = new CopyOnWriteArrayList<>();
    List<String> failed = new CopyOnWriteArrayList<>();
    AtomicLong longestGap = new AtomicLong();
    AtomicBoolean running = new AtomicBoolean(true);
    Thread writer = new Thread(() -> {
      long last = System.nanoTime();
      for (int i = 0; running.get(); i++) {
        String path = dir + "/d" + i;
        try {
          files.mkdir(volume, path, false);
          acked.add(path);
        } catch (DyadException e) {
          failed.add(path + ": " + e.getMessage());
        }
        long now = System.nanoTime();
        longestGap.accumulateAndGet((now - last) / 1_000_000, Math::max);
        last = now;
      }
    }, "drill-writer");
    writer.start();
    Thread.sleep(2000);
    long faultAt = System.nanoTime();
    Process p = cluster.processes().get(victim);
    if (fault == Fault.KILL) {
      p.destroyForcibly();
      p.waitFor();
    } else {
      signal(p, "STOP");
    }
    long declaredMillis = -1;
    if (cluster.view().await(now -> failedOver(now, victim), Duration.ofSeconds(30)).isPresent()) {
      declaredMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - faultAt);
    }
    if (fault == Fault.PAUSE) {
      Thread.sleep(Math.max(0, PAUSE.toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - faultAt)));
      signal(p, "CONT");
    }
    Thread.sleep(after.toMillis());
    running.set(false);
    writer.join();
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - faultAt);
    if (fault == Fault.KILL) {
      cluster.restartProcess(victim);
    }
    cluster.view().await(now -> now.isServing(victim) && now.failovers().isEmpty(), Duration.ofSeconds(120));
    int missing = 0;
    for (String path : acked) {
      try {
        files.stat(volume, path);
      } catch (DyadException e) {
        missing++;
      }
    }
    out.println();
    out.println("failover drill: " + fault.label + " of primary directory " + victim + " under a writer (mkdir, 1 "
        + "thread)");
    out.printf(Locale.ROOT, "  operations                        %d acknowledged in %d s around the fault%n",
        acked.size(), seconds + 2);
    out.printf(Locale.ROOT, "  failed operations                 %d%s%n", failed.size(),
        failed.isEmpty() ? "" : " e.g. " + failed.get(0));
    out.printf(Locale.ROOT, "  failover declared after           %s%n", declaredMillis < 0 ? "NOT DECLARED in 30 s"
        : declaredMillis + " ms");
    out.printf(Locale.ROOT, "  longest write gap                 %d ms (target < 3000 ms)%n", longestGap.get());
    out.printf(Locale.ROOT, "  acknowledged directories missing  %d of %d%n", missing, acked.size());
    out.flush();
  }

  private static boolean failedOver(ClusterSnapshot s, String member) {
    var f = s.failovers().get(member);
    return f != null && f.state() == FailoverState.FAILED_OVER;
  }

  private static void signal(Process p, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + p.pid() + " failed");
    }
  }
}
