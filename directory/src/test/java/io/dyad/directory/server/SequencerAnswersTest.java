package io.dyad.directory.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.testing.FakeTicker;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.directory.namespace.NamespaceStore;
import io.dyad.directory.server.SequentialModel.Outcome;
import io.dyad.thrift.BeginUpload;
import io.dyad.thrift.BindFile;
import io.dyad.thrift.ChangeOp;
import io.dyad.thrift.CreateVolume;
import io.dyad.thrift.EntryType;
import io.dyad.thrift.Inode;
import io.dyad.thrift.Mkdir;
import io.dyad.thrift.Remove;
import io.dyad.thrift.Rename;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every answer of the primary is the effect of its own change, decided in the order of its group: a real
 * {@link Sequencer} on real RocksDB stores (the primary's and the duplicate's), its partner link held so that
 * conflicting requests gather into one group commit, each answer checked against a {@link SequentialModel}.
 */
class SequencerAnswersTest {
  private static final String VOL = "v";
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final ChangeOp BLOCKER = mkdirP("/blockers");

  @TempDir Path dir;
  private final Clock clock = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC);
  private final ExecutorService clients = Executors.newCachedThreadPool();
  private NamespaceStore primary;
  private NamespaceStore duplicate;
  private NamespaceStore modelStore;
  private HeldPartnerLink link;
  private Sequencer sequencer;
  private SequentialModel model;
  private int ids;

  private record Request(ChangeOp op, String id) {
    @Override
    public String toString() {
      return op.getSetField() + " " + op.getFieldValue() + (id.isEmpty() ? "" : " id=" + id);
    }
  }

  @BeforeEach
  void start() throws Exception {
    primary = started("primary");
    duplicate = started("duplicate");
    modelStore = started("model");
    link = new HeldPartnerLink(duplicate);
    sequencer = new Sequencer(ServingPairGate.A, primary, ServingPairGate.of(ServingPairGate.A, ServingPairGate.A),
        link, clock, PATIENCE);
    model = new SequentialModel(modelStore, VOL, clock.millis());
    alone(new Request(ChangeOp.createVolume(new CreateVolume(0, 60_000)), ""));
  }

  @AfterEach
  void stop() {
    clients.shutdownNow();
    for (NamespaceStore s : List.of(primary, duplicate, modelStore)) {
      s.stopAsync().awaitTerminated();
    }
  }

  private NamespaceStore started(String name) {
    NamespaceStore s = new NamespaceStore(dir.resolve(name));
    s.startAsync().awaitRunning();
    return s;
  }

  private static ChangeOp mkdirP(String path) {
    return ChangeOp.mkdir(new Mkdir(path, true, 0, 0));
  }

  private static ChangeOp mkdir(String path) {
    return ChangeOp.mkdir(new Mkdir(path, false, 0, 0));
  }

  private static ChangeOp rmR(String path) {
    return ChangeOp.remove(new Remove(path, true, 0));
  }

  private static ChangeOp rename(String source, String target) {
    return ChangeOp.rename(new Rename(source, target, 0));
  }

  private static ChangeOp bind(String path, String object, int length) {
    return ChangeOp.bindFile(new BindFile(path, object, length, length * 31, 0, 0));
  }

  /** A request as a DDM sends it: with an id of its own. */
  private Request req(ChangeOp op) {
    return new Request(op, "req-" + ids++);
  }

  private Outcome submit(Sequencer s, Request r) {
    try {
      return Outcome.of(s.submit(VOL, r.op(), ServingPairGate.EPOCH, r.id()));
    } catch (DyadException e) {
      return Outcome.of(e);
    }
  }

  /** One request in a group of its own, checked against the model. */
  private Outcome alone(Request r) {
    Outcome got = submit(sequencer, r);
    assertThat(got).as("the answer to %s", r).isEqualTo(model.apply(r.op(), r.id()));
    return got;
  }

  /**
   * Has the primary commit {@code requests} as one group, in this order (while a first change waits for the held
   * partner, each request is queued after the one before it), and checks every answer against the model.
   */
  private List<Outcome> inOneGroup(List<Request> requests) throws Exception {
    link.hold();
    Future<Outcome> blocker = clients.submit(() -> submit(sequencer, new Request(BLOCKER, "")));
    soon(() -> link.waiting() == 1);
    List<Future<Outcome>> answers = new ArrayList<>();
    for (Request r : requests) {
      answers.add(clients.submit(() -> submit(sequencer, r)));
      int queued = answers.size();
      soon(() -> sequencer.queued() == queued);
    }
    int sends = link.sent().size();
    link.letGo();
    assertThat(blocker.get().error()).as("the change the group waited behind").isNull();
    model.apply(BLOCKER, "");
    List<Outcome> got = new ArrayList<>();
    List<Outcome> expected = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      got.add(answers.get(i).get());
      expected.add(model.apply(requests.get(i).op(), requests.get(i).id()));
    }
    assertThat(link.sent().size() - sends).as("the requests were committed together (one call to the partner)")
        .isLessThanOrEqualTo(1);
    for (int i = 0; i < requests.size(); i++) {
      assertThat(got.get(i)).as("answer %s of the group %s", i, requests).isEqualTo(expected.get(i));
    }
    assertThat(got).extracting(Outcome::error).doesNotContain(ErrorCode.INTERNAL, ErrorCode.UNAVAILABLE);
    assertThat(primary.digest(VOL)).as("the primary holds what the model holds").isEqualTo(modelStore.digest(VOL));
    assertThat(duplicate.digest(VOL)).isEqualTo(primary.digest(VOL));
    return got;
  }

  /** Waits for a thread of this test to reach its next step (checked every millisecond: a group has many). */
  private static void soon(Callable<Boolean> reached) {
    await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(reached);
  }

  @Test
  void aMkdirWhosePathARemoveInItsGroupTakesAwayIsAnsweredWithTheDirectoryItMade() throws Exception {
    List<Outcome> got = inOneGroup(List.of(req(mkdirP("/t/x")), req(rmR("/t/x")), req(rmR("/t/x")), req(rmR("/t/x"))));

    Inode made = got.get(0).applied().getInode();
    assertThat(made.getName()).isEqualTo("x");
    assertThat(made.getType()).isEqualTo(EntryType.DIRECTORY);
    assertThat(got.get(1).error()).isNull();
    assertThat(got.subList(2, 4)).extracting(Outcome::error).containsOnly(ErrorCode.NOT_FOUND);
  }

  @Test
  void twoCommitsToOnePathInOneGroupAreEachAnsweredWithTheirOwnObject() throws Exception {
    for (int u = 1; u <= 2; u++) {
      alone(req(ChangeOp.beginUpload(new BeginUpload("up-" + u, "obj-" + u, "/f", Long.MAX_VALUE))));
    }
    List<Outcome> got = inOneGroup(List.of(
        req(ChangeOp.bindFile(new BindFile("/f", "obj-1", 10, 11, 0, 0).setUploadId("up-1"))),
        req(ChangeOp.bindFile(new BindFile("/f", "obj-2", 20, 22, 0, 0).setUploadId("up-2"))),
        req(bind("/g", "obj-3", 30)),
        req(bind("/g", "obj-4", 40)),
        req(bind("/g", "obj-5", 50))));

    assertThat(got).extracting(o -> o.applied().getInode().getObjectId())
        .containsExactly("obj-1", "obj-2", "obj-3", "obj-4", "obj-5");
    assertThat(got).extracting(o -> o.applied().getInode().getLength()).containsExactly(10L, 20L, 30L, 40L, 50L);
    assertThat(got).extracting(o -> o.applied().getInode().getVersion()).containsExactly(1L, 2L, 1L, 2L, 3L);
  }

  @Test
  void aRenameWhoseTargetIsRemovedOrMovedOnInItsGroupIsAnsweredWithWhatItMoved() throws Exception {
    alone(req(mkdir("/a")));
    alone(req(bind("/a/f", "obj-1", 1)));
    List<Outcome> got = inOneGroup(List.of(
        req(rename("/a", "/b")),
        req(rmR("/b")),
        req(rename("/missing", "/c")),
        req(mkdir("/b")),
        req(rename("/b", "/a")),
        req(bind("/a/f", "obj-2", 2)),
        req(rename("/a/f", "/h")),
        req(rmR("/a"))));

    assertThat(got.get(0).applied().getInode().getName()).isEqualTo("b");
    assertThat(got.get(2).error()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(got.get(5).applied().getInode().getName()).isEqualTo("f");
    assertThat(got.get(6).applied().getInode().getName()).isEqualTo("h");
  }

  @Test
  void theSameRequestSentTwiceInOneGroupIsAppliedOnceAndAnsweredAlikeThoughItsPathIsGoneAfter() throws Exception {
    Request once = req(mkdirP("/s/x"));
    List<Outcome> got = inOneGroup(List.of(once, once, req(rmR("/s")), once));

    assertThat(got.get(1)).isEqualTo(got.get(0));
    assertThat(got.get(3)).isEqualTo(got.get(0));
    assertThat(got.get(0).applied().getInode().getName()).isEqualTo("x");
  }

  @Test
  void aRetriedRequestIsAnsweredWithWhatItsChangeDidNotWithWhatThePathHoldsNow() throws Exception {
    Request first = req(mkdirP("/r/x"));
    Outcome answered = alone(first);
    alone(req(rmR("/r")));

    assertThat(alone(first)).as("the retry, after /r was removed").isEqualTo(answered);
    assertThat(inOneGroup(List.of(req(mkdirP("/r/x/y")), first)).get(1)).as("again, in a group").isEqualTo(answered);
  }

  @Test
  void aChangeLeftInDoubtIsAnsweredOnItsRetryWithItsOwnEffect() throws Exception {
    FakeTicker ticker = new FakeTicker();
    sequencer = new Sequencer(ServingPairGate.A, primary, ServingPairGate.of(ServingPairGate.A, ServingPairGate.A),
        link, clock, ticker, PATIENCE);
    Request inDoubt = req(mkdirP("/q/x"));
    AtomicInteger failedSends = new AtomicInteger();
    link.onFailedSend(() -> {
      failedSends.incrementAndGet();
      ticker.advance(PATIENCE.dividedBy(3)); // each failed try takes a third of the patience
    });
    link.broken(true);
    Future<Outcome> refused = clients.submit(() -> submit(sequencer, inDoubt));
    assertThat(refused.get(30, TimeUnit.SECONDS).error()).as("the partner did not confirm it within the patience")
        .isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(failedSends).as("tried until the patience ran out, not longer").hasValue(4);
    link.broken(false);

    Outcome expected = model.apply(inDoubt.op(), inDoubt.id()); // settled before the next change of the volume
    alone(req(rmR("/q")));
    Outcome retried = alone(inDoubt);
    assertThat(retried).isEqualTo(expected);
    assertThat(retried.applied().getInode().getName()).isEqualTo("x");
  }

  @Test
  void aRequestRetriedAtTheOtherDirectoryAfterAFailoverGetsTheAnswerItsChangeHad() throws Exception {
    Request first = req(bind("/k", "obj-1", 1));
    Outcome answered = alone(first);
    alone(req(bind("/k", "obj-2", 2)));
    alone(req(rename("/k", "/l")));

    Sequencer onB = new Sequencer(ServingPairGate.B, duplicate,
        ServingPairGate.of(ServingPairGate.B, ServingPairGate.B), new HeldPartnerLink(primary), clock, PATIENCE);
    assertThat(submit(onB, first)).as("db1, primary now, answers from its own record").isEqualTo(answered);
  }

  @Test
  void randomGroupsOfConflictingChangesAreAnsweredAsIfAppliedOneByOne() throws Exception {
    Random random = new Random(20);
    List<String> dirs = List.of("/a", "/a/b", "/c", "/c/d", "/a/b/e");
    List<String> files = List.of("/a/f", "/a/b/f", "/c/f", "/g", "/c/d/f");
    List<String> all = new ArrayList<>(dirs);
    all.addAll(files);
    List<Request> sent = new ArrayList<>();
    for (int round = 0; round < 25; round++) {
      List<Request> group = new ArrayList<>();
      int size = 4 + random.nextInt(10);
      for (int i = 0; i < size; i++) {
        ChangeOp op = switch (random.nextInt(5)) {
          case 0 -> ChangeOp.mkdir(new Mkdir(pick(random, dirs), random.nextBoolean(), 0, 0));
          case 1 -> ChangeOp.remove(new Remove(pick(random, all), random.nextInt(4) > 0, 0));
          case 2 -> rename(pick(random, all), pick(random, all));
          default -> bind(pick(random, files), "obj-" + round + "-" + i, random.nextInt(1000));
        };
        Request r = random.nextInt(10) == 0 ? new Request(op, "") : req(op);
        Request retry = sent.isEmpty() ? null : sent.get(random.nextInt(sent.size()));
        if (retry != null && !group.contains(retry) && random.nextInt(8) == 0) {
          r = retry; // an earlier request sent again
        }
        group.add(r);
      }
      inOneGroup(group);
      group.stream().filter(r -> !r.id().isEmpty()).forEach(sent::add);
    }
  }

  private static String pick(Random random, List<String> from) {
    return from.get(random.nextInt(from.size()));
  }
}
