package io.dyad.directory.namespace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.directory.api.FsPath;
import io.dyad.thrift.Applied;
import io.dyad.thrift.Change;
import io.dyad.thrift.ChangeOp;
import io.dyad.thrift.CreateVolume;
import io.dyad.thrift.Mkdir;
import io.dyad.thrift.Remove;
import io.dyad.thrift.VolumeState;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the two directories of a pair rely on: prepare writes nothing, batches apply in order, divergence shows. */
class NamespaceStoreReplicationTest {
  private static final String VOL = "docs";

  @TempDir Path dir;
  private NamespaceStore primary;
  private NamespaceStore duplicate;
  private long clock = 1;

  @BeforeEach
  void open() throws DyadException {
    primary = started("primary");
    duplicate = started("duplicate");
    duplicate.apply(primary.decideAndApply(VOL, v -> ChangeOp.createVolume(new CreateVolume(clock, 1000))));
  }

  @AfterEach
  void close() {
    for (NamespaceStore s : List.of(primary, duplicate)) {
      if (s.isRunning()) {
        s.stopAsync().awaitTerminated();
      }
    }
  }

  private NamespaceStore started(String name) {
    NamespaceStore s = new NamespaceStore(dir.resolve(name));
    s.startAsync().awaitRunning();
    return s;
  }

  private ChangeOp mkdirOp(String path, long inode) {
    return ChangeOp.mkdir(new Mkdir(path, false, inode, ++clock));
  }

  private Change mkdir(NamespaceStore s, String path) throws DyadException {
    return s.decideAndApply(VOL, v -> mkdirOp(path, v.orElseThrow().getNextInode()));
  }

  @Test
  void prepareDecidesTheNextChangeButWritesNothingUntilItIsApplied() throws Exception {
    Change prepared = primary.prepare(VOL, v -> mkdirOp("/a", v.orElseThrow().getNextInode()));
    assertThat(prepared.getSeq()).isEqualTo(2);
    assertThat(primary.volume(VOL).orElseThrow().getLastSeq()).isEqualTo(1);
    assertThatThrownBy(() -> primary.stat(VOL, FsPath.of("/a"))).isInstanceOf(DyadException.class);

    duplicate.apply(prepared); // the duplicate first, then the primary: both the same
    primary.apply(prepared);
    assertThat(primary.stat(VOL, FsPath.of("/a")).getId()).isEqualTo(duplicate.stat(VOL, FsPath.of("/a")).getId());
    assertThat(primary.digest(VOL)).isEqualTo(duplicate.digest(VOL));
  }

  @Test
  void aChangeThatWouldFailIsRefusedAtPrepareWithItsTypedError() throws Exception {
    mkdir(primary, "/a");
    assertThatThrownBy(() -> primary.prepare(VOL, v -> mkdirOp("/a", v.orElseThrow().getNextInode())))
        .isInstanceOfSatisfying(DyadException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    assertThat(primary.volume(VOL).orElseThrow().getLastSeq()).isEqualTo(2);
  }

  @Test
  void aGroupIsDecidedInOrderAndARefusedRequestTakesNoNumber() throws Exception {
    List<NamespaceStore.Prepared> group = primary.prepareAll(VOL, List.of(
        v -> mkdirOp("/a", v.orElseThrow().getNextInode()),
        v -> mkdirOp("/a", v.orElseThrow().getNextInode()),
        v -> mkdirOp("/a/b", v.orElseThrow().getNextInode()),
        v -> mkdirOp("/missing/c", v.orElseThrow().getNextInode()),
        v -> mkdirOp("/d", v.orElseThrow().getNextInode())));
    assertThat(group.get(1).refused().code()).as("/a exists once the first is decided").isEqualTo(ErrorCode.ALREADY_EXISTS);
    assertThat(group.get(3).refused().code()).isEqualTo(ErrorCode.NOT_FOUND);
    List<Change> changes = group.stream().filter(p -> p.change() != null).map(NamespaceStore.Prepared::change).toList();
    assertThat(changes).extracting(Change::getSeq).containsExactly(2L, 3L, 4L);
    assertThat(changes).extracting(c -> c.getOp().getMkdir().getFirstInode()).as("each sees the inodes before it")
        .doesNotHaveDuplicates();
    assertThat(primary.volume(VOL).orElseThrow().getLastSeq()).as("nothing written yet").isEqualTo(1);

    assertThat(duplicate.applyInOrder(VOL, changes)).isEqualTo(4);
    assertThat(primary.applyInOrder(VOL, changes)).isEqualTo(4);
    assertThat(primary.list(VOL, FsPath.of("/"), "", 10).entries()).extracting(i -> i.getName()).containsExactly("a", "d");
    assertThat(primary.stat(VOL, FsPath.of("/a/b")).getName()).isEqualTo("b");
    assertThat(primary.digest(VOL)).isEqualTo(duplicate.digest(VOL));
  }

  @Test
  void bothDirectoriesKeepWithEachRequestTheAnswerItsChangeGotInItsGroup() throws Exception {
    List<NamespaceStore.Prepared> group = primary.prepareAll(VOL, List.of(
        v -> ChangeOp.mkdir(new Mkdir("/t/x", true, v.orElseThrow().getNextInode(), ++clock)),
        v -> ChangeOp.remove(new Remove("/t/x", true, ++clock)),
        v -> ChangeOp.mkdir(new Mkdir("/t/x", false, v.orElseThrow().getNextInode(), ++clock))));
    List<Applied> answers = group.stream().map(NamespaceStore.Prepared::answer).toList();
    assertThat(answers.get(0).getInode().getId()).as("the first mkdir's own directory")
        .isNotEqualTo(answers.get(2).getInode().getId());
    assertThat(answers.get(1).isSetInode()).as("a removal leaves nothing at its path").isFalse();
    List<Change> changes = group.stream().map(NamespaceStore.Prepared::change).toList();
    for (int i = 0; i < changes.size(); i++) {
      changes.get(i).setRequestId("req-" + i);
    }

    duplicate.applyInOrder(VOL, changes);
    primary.applyInOrder(VOL, changes);
    for (int i = 0; i < changes.size(); i++) {
      assertThat(primary.requestAnswer(VOL, "req-" + i)).contains(answers.get(i));
      assertThat(duplicate.requestAnswer(VOL, "req-" + i)).contains(answers.get(i));
    }
    assertThat(primary.requestAnswer(VOL, "req-9")).isEmpty();
  }

  @Test
  void aBatchAppliesUpToTheFirstGapAndSkipsWhatWasAppliedBefore() throws Exception {
    Change c2 = mkdir(primary, "/a");
    Change c3 = mkdir(primary, "/b");
    Change c4 = mkdir(primary, "/c");
    Change c5 = mkdir(primary, "/d");

    assertThat(duplicate.applyInOrder(VOL, List.of(c3, c4))).as("a gap before 3: nothing applied").isEqualTo(1);
    assertThat(duplicate.applyInOrder(VOL, List.of(c2, c3, c5))).as("2 and 3, then the gap at 4").isEqualTo(3);
    assertThat(duplicate.applyInOrder(VOL, List.of(c2, c3, c4, c5))).as("2 and 3 again, skipped").isEqualTo(5);
    assertThat(duplicate.digest(VOL)).isEqualTo(primary.digest(VOL));
    assertThat(duplicate.log(VOL, 1, 100)).isEqualTo(primary.log(VOL, 1, 100));
  }

  @Test
  void aDifferentChangeUnderAnAppliedNumberIsDivergence() throws Exception {
    Change mine = mkdir(primary, "/a");
    duplicate.apply(mine);
    Change other = new Change(VOL, mine.getSeq(), mkdirOp("/other", 2));
    assertThatThrownBy(() -> duplicate.apply(other)).isInstanceOf(DivergedException.class);
    assertThatThrownBy(() -> duplicate.applyInOrder(VOL, List.of(other))).isInstanceOf(DivergedException.class);
  }

  @Test
  void trimmingKeepsTheNewestChangesAndVolumeStatesSayWhereTheLogStarts() throws Exception {
    for (int i = 0; i < 20; i++) {
      mkdir(primary, "/d" + i);
    }
    assertThat(primary.volumes()).containsExactly(VOL);
    assertThat(primary.volumeStates()).containsExactly(new VolumeState(VOL, 21, 1));
    assertThat(primary.trimLog(VOL, 5)).isEqualTo(17);
    assertThat(primary.volumeStates()).containsExactly(new VolumeState(VOL, 21, 17));
    assertThat(primary.log(VOL, 1, 100)).extracting(Change::getSeq).containsExactly(17L, 18L, 19L, 20L, 21L);
    assertThat(primary.trimLog(VOL, 100)).as("nothing more to trim").isEqualTo(1);
    assertThat(primary.volumeStates()).containsExactly(new VolumeState(VOL, 21, 17));
  }

  @Test
  void theDataIdentityOutlivesARestartAndDiffersBetweenDirectories() {
    String id = primary.dataId();
    assertThat(id).isNotBlank().isNotEqualTo(duplicate.dataId());
    primary.stopAsync().awaitTerminated();
    primary = started("primary");
    assertThat(primary.dataId()).isEqualTo(id);
  }
}
