package io.dyad.directory.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.directory.api.FsPath;
import io.dyad.directory.namespace.NamespaceStore;
import io.dyad.directory.server.SequentialModel.Outcome;
import io.dyad.thrift.Applied;
import io.dyad.thrift.BindFile;
import io.dyad.thrift.Change;
import io.dyad.thrift.ChangeOp;
import io.dyad.thrift.CreateVolume;
import io.dyad.thrift.EntryPage;
import io.dyad.thrift.Mkdir;
import io.dyad.thrift.Remove;
import io.dyad.thrift.Rename;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several clients change a small tree at once through a real directory pair (real ZooKeeper, coordinator, Thrift,
 * RocksDB), so that conflicting changes share group commits, while readers stat and list on both directories. Then
 * the pair's log — the one order of the changes — is replayed on a store of its own: every answer a client got must
 * be what its change left right after it in that order, every refused request must be absent from the log, and no
 * call may fail inside a directory.
 */
class ConcurrentClientsIT {
  private static final String VOL = "shared";
  private static final int CLIENTS = 6;
  private static final int REQUESTS = 300;
  private static final List<String> DIRS = List.of("/a", "/a/b", "/c", "/c/d");
  private static final List<String> FILES = List.of("/a/f", "/a/b/f", "/c/f", "/g");
  private static final Set<ErrorCode> REFUSALS = Set.of(ErrorCode.NOT_FOUND, ErrorCode.ALREADY_EXISTS,
      ErrorCode.NOT_A_DIRECTORY, ErrorCode.IS_A_DIRECTORY, ErrorCode.NOT_EMPTY, ErrorCode.INVALID_ARGUMENT);

  @TempDir Path dir;
  private DirectoryPair pair;

  @BeforeEach
  void start() throws Exception {
    pair = new DirectoryPair(dir);
    pair.start(DirectoryPair.A);
    pair.start(DirectoryPair.B);
    pair.awaitServing(DirectoryPair.A, DirectoryPair.B);
    pair.submit(VOL, ChangeOp.createVolume(new CreateVolume(0, 60_000)));
  }

  @AfterEach
  void stop() throws Exception {
    pair.close();
  }

  private record Sent(ChangeOp op, Outcome outcome) {}

  @Test
  void everyAnswerToConcurrentClientsIsWhatItsOwnChangeLeftInThePairsOrder() throws Exception {
    runAndCheck(false);
  }

  /**
   * The same while the primary stops midway (its session closes, its partner is failed over to and serves alone)
   * and comes back (catches up, fails back). Clients send each refused-for-now request again with the same id, as a
   * DDM does: an answer that got lost with the primary is the answer of the change it made, never a second change.
   */
  @Test
  void answersStayTrueWhileThePrimaryStopsMidwayAndComesBack() throws Exception {
    runAndCheck(true);
  }

  private void runAndCheck(boolean fault) throws Exception {
    Map<String, Sent> sent = new ConcurrentHashMap<>();
    Map<String, DyadException> readFailures = new ConcurrentHashMap<>();
    AtomicLong reads = new AtomicLong();
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 2);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        writers.add(pool.submit(() -> {
          Random random = new Random(client);
          for (int i = 0; i < REQUESTS; i++) {
            ChangeOp op = randomChange(random, "c" + client + "-" + i);
            String id = "c" + client + "-" + i;
            try {
              sent.put(id, new Sent(op, Outcome.of(submitRetrying(op, id))));
            } catch (DyadException e) {
              sent.put(id, new Sent(op, Outcome.of(e)));
            }
          }
          return null;
        }));
      }
      if (fault) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> sent.size() > 300);
        String primary = pair.primary();
        String partner = primary.equals(DirectoryPair.A) ? DirectoryPair.B : DirectoryPair.A;
        pair.stop(primary);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
            .until(() -> partner.equals(pair.primary()));
        int before = sent.size();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> sent.size() > before + 200);
        pair.start(primary);
      }
      List<Future<?>> readers = new ArrayList<>();
      for (String member : List.of(DirectoryPair.A, DirectoryPair.B)) {
        readers.add(pool.submit(() -> {
          Random random = new Random(member.hashCode());
          while (writing.get()) {
            read(member, random, readFailures);
            reads.incrementAndGet();
          }
          return null;
        }));
      }
      for (Future<?> w : writers) {
        w.get();
      }
      writing.set(false);
      for (Future<?> r : readers) {
        r.get();
      }
    } finally {
      pool.shutdownNow();
    }
    pair.awaitServing(DirectoryPair.A, DirectoryPair.B);

    assertThat(readFailures).as("reads that failed inside a directory (of %s)", reads.get()).isEmpty();
    assertThat(sent.values()).extracting(s -> s.outcome().error()).as("requests that failed inside a directory")
        .allMatch(code -> code == null || REFUSALS.contains(code));
    List<Change> log = log();
    Set<String> checked = replayAndCheck(log, sent);
    for (Map.Entry<String, Sent> s : sent.entrySet()) {
      if (s.getValue().outcome().error() == null) {
        assertThat(checked).as("the change of acknowledged request %s is in the log", s.getKey()).contains(s.getKey());
      }
    }
    System.out.printf("%d requests from %d clients: %d applied and answered as the log says, %d refused; %d reads%n",
        sent.size(), CLIENTS, checked.size(), sent.size() - checked.size(), reads.get());
    assertThat(checked.size()).as("changes applied").isGreaterThan(CLIENTS * REQUESTS / 10);
    assertThat(pair.client(DirectoryPair.B).digest(VOL)).isEqualTo(pair.client(DirectoryPair.A).digest(VOL));
  }

  private static ChangeOp randomChange(Random random, String object) {
    List<String> all = new ArrayList<>(DIRS);
    all.addAll(FILES);
    return switch (random.nextInt(5)) {
      case 0 -> ChangeOp.mkdir(new Mkdir(pick(random, DIRS), random.nextBoolean(), 0, 0));
      case 1 -> ChangeOp.remove(new Remove(pick(random, all), random.nextInt(4) > 0, 0));
      case 2 -> ChangeOp.rename(new Rename(pick(random, all), pick(random, all), 0));
      default -> ChangeOp.bindFile(new BindFile(pick(random, FILES), "obj-" + object, random.nextInt(1 << 20),
          random.nextInt(), 0, 0));
    };
  }

  private static String pick(Random random, List<String> from) {
    return from.get(random.nextInt(from.size()));
  }

  /** A stat of any path, or a listing of a directory in pages of 2; either may find nothing. */
  private void read(String member, Random random, Map<String, DyadException> failures) {
    if (!pair.runningMembers().contains(member) || !pair.view.current().isServing(member)) {
      return; // stopped, or catching up: a DDM reads the serving one
    }
    long epoch = pair.view.current().epoch();
    try {
      if (random.nextBoolean()) {
        pair.client(member).stat(VOL, pick(random, random.nextBoolean() ? DIRS : FILES), epoch);
      } else {
        String after = "";
        String path = random.nextInt(4) == 0 ? "/" : pick(random, DIRS);
        EntryPage page;
        do {
          page = pair.client(member).list(VOL, path, after, 2, epoch);
          after = page.getNextAfter();
        } while (page.isSetNextAfter());
      }
    } catch (DyadException e) {
      if (!REFUSALS.contains(e.code()) && e.code() != ErrorCode.UNAVAILABLE && e.code() != ErrorCode.STALE_EPOCH) {
        failures.putIfAbsent(member + ": " + e.getMessage(), e);
      }
    }
  }

  /** As a DDM sends a change: again, with the same id, while the pair says "not now" (a failover under way). */
  private Applied submitRetrying(ChangeOp op, String id) throws DyadException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return pair.submit(VOL, op, id);
      } catch (DyadException e) {
        if ((e.code() != ErrorCode.UNAVAILABLE && e.code() != ErrorCode.STALE_EPOCH) || System.nanoTime() > deadline) {
          throw e;
        }
        java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20));
      }
    }
  }

  /** The volume's log, from the primary, in order. */
  private List<Change> log() throws DyadException {
    List<Change> out = new ArrayList<>();
    long epoch = pair.view.current().epoch();
    while (true) {
      List<Change> page = pair.client(pair.primary()).fetchLog(VOL, out.size() + 1, 1000, epoch).getChanges();
      if (page.isEmpty()) {
        return out;
      }
      out.addAll(page);
    }
  }

  /**
   * Applies the log one change at a time on a store of its own; after each change that carried a request, checks the
   * answer its client got against what the change left at its path. Returns the requests checked.
   */
  private Set<String> replayAndCheck(List<Change> log, Map<String, Sent> sent) throws Exception {
    NamespaceStore model = new NamespaceStore(dir.resolve("model"));
    model.startAsync().awaitRunning();
    Set<String> checked = new HashSet<>();
    try {
      for (Change c : log) {
        model.apply(c);
        if (!c.isSetRequestId()) {
          continue;
        }
        Sent s = sent.get(c.getRequestId());
        assertThat(s).as("change %s carries a request a client sent", c.getSeq()).isNotNull();
        assertThat(s.outcome().error()).as("request %s (%s), applied as change %s", c.getRequestId(), s.op(),
            c.getSeq()).isNull();
        Applied expected = new Applied(c.getSeq());
        String path = SequentialModel.pathOf(c.getOp());
        if (path != null) {
          expected.setInode(model.stat(VOL, FsPath.of(path)));
        }
        assertThat(s.outcome().applied()).as("the answer to %s (%s)", c.getRequestId(), s.op()).isEqualTo(expected);
        checked.add(c.getRequestId());
      }
      assertThat(model.digest(VOL)).as("the log replayed holds what the pair holds")
          .isEqualTo(pair.client(DirectoryPair.A).digest(VOL));
    } finally {
      model.stopAsync().awaitTerminated();
    }
    return checked;
  }
}
