package io.dyad.directory.namespace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.directory.api.FsPath;
import io.dyad.thrift.BindFile;
import io.dyad.thrift.Change;
import io.dyad.thrift.ChangeOp;
import io.dyad.thrift.CreateVolume;
import io.dyad.thrift.EntryType;
import io.dyad.thrift.Inode;
import io.dyad.thrift.Mkdir;
import io.dyad.thrift.Remove;
import io.dyad.thrift.Rename;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A directory's namespace on a real RocksDB: what each change does, and every error it can give. */
class NamespaceStoreTest {
  private static final String VOL = "photos";
  private static final long GRACE = 600_000;

  @TempDir Path dir;
  private NamespaceStore store;
  private long clock = 1_000;

  @BeforeEach
  void open() throws DyadException {
    store = started(dir.resolve("a"));
    change(ChangeOp.createVolume(new CreateVolume(clock, GRACE)));
  }

  private static NamespaceStore started(Path p) {
    NamespaceStore s = new NamespaceStore(p);
    s.startAsync().awaitRunning();
    return s;
  }

  @AfterEach
  void close() {
    if (store.isRunning()) {
      store.stopAsync().awaitTerminated();
    }
  }

  private Change change(ChangeOp op) throws DyadException {
    return store.decideAndApply(VOL, v -> op);
  }

  private void mkdir(String path, boolean parents) throws DyadException {
    store.decideAndApply(VOL, v -> ChangeOp.mkdir(new Mkdir(path, parents, v.orElseThrow().getNextInode(), ++clock)));
  }

  private void put(String path, String objectId) throws DyadException {
    store.decideAndApply(VOL, v -> ChangeOp.bindFile(new BindFile(path, objectId, 10, 7, v.orElseThrow().getNextInode(),
        ++clock)));
  }

  private void rename(String from, String to) throws DyadException {
    change(ChangeOp.rename(new Rename(from, to, ++clock)));
  }

  private void remove(String path, boolean recursive) throws DyadException {
    change(ChangeOp.remove(new Remove(path, recursive, ++clock)));
  }

  private Inode stat(String path) throws DyadException {
    return store.stat(VOL, FsPath.of(path));
  }

  private List<String> names(String path) throws DyadException {
    List<String> out = new ArrayList<>();
    for (Inode i : store.list(VOL, FsPath.of(path), "", 10_000).entries()) {
      out.add(i.getName());
    }
    return out;
  }

  private static void fails(ErrorCode code, ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(DyadException.class)
        .satisfies(e -> assertThat(((DyadException) e).code()).as(e.getMessage()).isEqualTo(code));
  }

  @Test
  void directoriesAreCreatedOneByOneOrWithTheirParents() throws DyadException {
    mkdir("/a", false);
    mkdir("/a/b/c", true);
    mkdir("/a/b/c", true); // with parents, an existing directory is fine
    assertThat(stat("/a/b/c").getType()).isEqualTo(EntryType.DIRECTORY);
    assertThat(names("/a")).containsExactly("b");
    fails(ErrorCode.ALREADY_EXISTS, () -> mkdir("/a", false));
    fails(ErrorCode.NOT_FOUND, () -> mkdir("/x/y", false));
    put("/a/file", "obj-1");
    fails(ErrorCode.NOT_A_DIRECTORY, () -> mkdir("/a/file/sub", true));
    fails(ErrorCode.ALREADY_EXISTS, () -> mkdir("/", false));
    fails(ErrorCode.ALREADY_EXISTS, () -> change(ChangeOp.createVolume(new CreateVolume(clock, GRACE))));
  }

  @Test
  void aFileIsBoundToAnObjectAndANewVersionMakesTheOldObjectGarbage() throws DyadException {
    mkdir("/docs", false);
    put("/docs/readme", "obj-1");
    Inode first = stat("/docs/readme");
    assertThat(first.getObjectId()).isEqualTo("obj-1");
    put("/docs/readme", "obj-2");
    Inode second = stat("/docs/readme");
    assertThat(second.getObjectId()).isEqualTo("obj-2");
    assertThat(second.getId()).as("the same file, a new version").isEqualTo(first.getId());
    assertThat(second.getVersion()).isGreaterThan(first.getVersion());
    fails(ErrorCode.IS_A_DIRECTORY, () -> put("/docs", "obj-3"));
    fails(ErrorCode.NOT_FOUND, () -> put("/nowhere/file", "obj-4"));
    fails(ErrorCode.NOT_A_DIRECTORY, () -> put("/docs/readme/inside", "obj-5"));
    fails(ErrorCode.NOT_FOUND, () -> stat("/docs/missing"));
  }

  @Test
  void renamesMoveFilesAndWholeDirectoriesButNeverADirectoryIntoItself() throws DyadException {
    mkdir("/a/b", true);
    put("/a/b/f", "obj-1");
    rename("/a/b/f", "/a/g");
    assertThat(names("/a")).containsExactly("b", "g");
    assertThat(names("/a/b")).isEmpty();
    rename("/a", "/z");
    assertThat(stat("/z/g").getObjectId()).isEqualTo("obj-1");
    assertThat(stat("/z/b").getParent()).isEqualTo(stat("/z").getId());
    fails(ErrorCode.INVALID_ARGUMENT, () -> rename("/z", "/z/b/inside"));
    fails(ErrorCode.ALREADY_EXISTS, () -> rename("/z/g", "/z/b"));
    fails(ErrorCode.NOT_FOUND, () -> rename("/missing", "/y"));
    fails(ErrorCode.NOT_FOUND, () -> rename("/z/g", "/nowhere/g"));
    fails(ErrorCode.INVALID_ARGUMENT, () -> rename("/", "/root"));
  }

  @Test
  void removingADirectoryNeedsItEmptyOrRecursiveAndItsFilesObjectsBecomeGarbage() throws DyadException {
    mkdir("/t/u/v", true);
    put("/t/u/v/f1", "obj-1");
    put("/t/u/f2", "obj-2");
    fails(ErrorCode.NOT_EMPTY, () -> remove("/t", false));
    remove("/t/u/v/f1", false);
    remove("/t/u/v", false);
    remove("/t", true);
    assertThat(names("/")).isEmpty();
    fails(ErrorCode.NOT_FOUND, () -> remove("/t", true));
    fails(ErrorCode.INVALID_ARGUMENT, () -> remove("/", true));
    String before = store.digest(VOL);
    mkdir("/again", false);
    assertThat(store.digest(VOL)).isNotEqualTo(before);
  }

  @Test
  void listingsArePagedInNameOrderWithCursors() throws DyadException {
    mkdir("/many", false);
    for (int i = 0; i < 250; i++) {
      put(String.format("/many/f%03d", i), "obj-" + i);
    }
    List<String> seen = new ArrayList<>();
    String cursor = "";
    int pages = 0;
    while (true) {
      NamespaceStore.ListPage page = store.list(VOL, FsPath.of("/many"), cursor, 100);
      page.entries().forEach(i -> seen.add(i.getName()));
      pages++;
      if (page.next().isEmpty()) {
        break;
      }
      cursor = page.next().get();
    }
    assertThat(pages).isEqualTo(3);
    assertThat(seen).hasSize(250).isSorted().doesNotHaveDuplicates();
    fails(ErrorCode.NOT_A_DIRECTORY, () -> store.list(VOL, FsPath.of("/many/f001"), "", 10));
    fails(ErrorCode.NOT_FOUND, () -> store.list("no-such-volume", FsPath.ROOT, "", 10));
  }

  @Test
  void changesAreAppliedOnceInSequenceAndSurviveAReopen() throws Exception {
    mkdir("/kept", false);
    List<Change> log = store.log(VOL, 1, 100);
    assertThat(log).extracting(Change::getSeq).containsExactly(1L, 2L);
    store.apply(log.get(1)); // a duplicate sent again: ignored
    Change ahead = new Change(VOL, 5, ChangeOp.mkdir(new Mkdir("/ahead", false, 99, clock)));
    assertThatThrownBy(() -> store.apply(ahead)).isInstanceOf(OutOfOrderException.class)
        .satisfies(e -> assertThat(((OutOfOrderException) e).lastApplied()).isEqualTo(2));
    String digest = store.digest(VOL);
    store.stopAsync().awaitTerminated();
    store = started(dir.resolve("a"));
    assertThat(stat("/kept").getType()).isEqualTo(EntryType.DIRECTORY);
    assertThat(store.digest(VOL)).isEqualTo(digest);
    assertThat(store.volume(VOL).map(v -> v.getLastSeq())).isEqualTo(Optional.of(2L));
  }
}
