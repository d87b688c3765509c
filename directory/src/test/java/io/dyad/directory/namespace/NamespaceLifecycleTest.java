package io.dyad.directory.namespace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.directory.api.FsPath;
import io.dyad.thrift.BeginUpload;
import io.dyad.thrift.BindFile;
import io.dyad.thrift.Change;
import io.dyad.thrift.ChangeOp;
import io.dyad.thrift.CreateVolume;
import io.dyad.thrift.DeleteVolume;
import io.dyad.thrift.ForgetGarbage;
import io.dyad.thrift.GarbageItem;
import io.dyad.thrift.Mkdir;
import io.dyad.thrift.Remove;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;

/** Uploads and their commits, garbage, deleting and re-creating volumes, remembered requests. */
class NamespaceLifecycleTest {
  private static final String VOL = "media";
  private static final long GRACE = 1_000;

  @TempDir Path dir;
  private NamespaceStore store;
  private long clock = 10_000;

  @BeforeEach
  void open() throws DyadException {
    store = new NamespaceStore(dir.resolve("ns"));
    store.startAsync().awaitRunning();
    change(ChangeOp.createVolume(new CreateVolume(clock, GRACE)));
  }

  @AfterEach
  void close() {
    store.stopAsync().awaitTerminated();
  }

  private Change change(ChangeOp op) throws DyadException {
    return store.decideAndApply(VOL, v -> op);
  }

  private void begin(String uploadId, String objectId, String path, long expiresAt) throws DyadException {
    change(ChangeOp.beginUpload(new BeginUpload(uploadId, objectId, path, expiresAt)));
  }

  private Change commit(String uploadId, String objectId, String path) throws DyadException {
    return store.decideAndApply(VOL, v -> ChangeOp.bindFile(new BindFile(path, objectId, 3, 7,
        v.orElseThrow().getNextInode(), ++clock).setUploadId(uploadId)));
  }

  private static void fails(ErrorCode code, ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOfSatisfying(DyadException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  @Test
  void aCommitBindsOnlyItsOwnPendingUploadOnceAndBeforeItExpires() throws Exception {
    begin("u1", "obj-1", "/a.txt", clock + 100);
    fails(ErrorCode.INVALID_ARGUMENT, () -> commit("u1", "obj-2", "/a.txt"));
    fails(ErrorCode.INVALID_ARGUMENT, () -> commit("u1", "obj-1", "/b.txt"));
    commit("u1", "obj-1", "/a.txt");
    assertThat(store.stat(VOL, FsPath.of("/a.txt")).getObjectId()).isEqualTo("obj-1");
    fails(ErrorCode.NOT_FOUND, () -> store.upload(VOL, "u1"));
    fails(ErrorCode.NOT_FOUND, () -> commit("u1", "obj-1", "/a.txt"));

    begin("u2", "obj-2", "/a.txt", clock + 5);
    clock += 10;
    fails(ErrorCode.NOT_FOUND, () -> commit("u2", "obj-2", "/a.txt"));
    assertThat(store.stat(VOL, FsPath.of("/a.txt")).getObjectId()).as("the old version stays").isEqualTo("obj-1");
  }

  @Test
  void replacedAndRemovedFilesAndAbandonedUploadsBecomeGarbageAfterTheGrace() throws Exception {
    begin("u1", "obj-1", "/f", clock + 100);
    commit("u1", "obj-1", "/f");
    begin("u2", "obj-2", "/f", clock + 100);
    commit("u2", "obj-2", "/f"); // replaces obj-1
    long replacedAt = clock;
    change(ChangeOp.remove(new Remove("/f", false, ++clock))); // removes obj-2
    long removedAt = clock;
    begin("u3", "obj-3", "/g", clock + 50); // never committed

    assertThat(store.garbageDue(VOL, replacedAt + GRACE - 1, 10)).as("nothing before the grace").isEmpty();
    assertThat(store.garbageDue(VOL, removedAt + GRACE, 10)).extracting(GarbageItem::getObjectId)
        .containsExactly("obj-1", "obj-2");
    assertThat(store.uploadsExpired(VOL, clock + 10, 10)).isEmpty();
    assertThat(store.uploadsExpired(VOL, clock + 51, 10)).extracting(BeginUpload::getUploadId).containsExactly("u3");

    change(ChangeOp.forgetGarbage(new ForgetGarbage(List.of(), List.of("u3"))));
    fails(ErrorCode.NOT_FOUND, () -> store.upload(VOL, "u3"));
    fails(ErrorCode.NOT_FOUND, () -> commit("u3", "obj-3", "/g"));
    List<GarbageItem> due = store.garbageDue(VOL, Long.MAX_VALUE, 10);
    assertThat(due).extracting(GarbageItem::getObjectId).containsExactlyInAnyOrder("obj-1", "obj-2", "obj-3");
    change(ChangeOp.forgetGarbage(new ForgetGarbage(due, List.of())));
    assertThat(store.garbageDue(VOL, Long.MAX_VALUE, 10)).isEmpty();
  }

  @Test
  void onlyAnEmptyVolumeIsDeletedAndCreatingItAgainGoesOnFromItsNumbers() throws Exception {
    change(ChangeOp.mkdir(new Mkdir("/d", false, store.volume(VOL).orElseThrow().getNextInode(), ++clock)));
    fails(ErrorCode.NOT_EMPTY, () -> change(ChangeOp.deleteVolume(new DeleteVolume(++clock))));
    change(ChangeOp.remove(new Remove("/d", false, ++clock)));
    long before = change(ChangeOp.deleteVolume(new DeleteVolume(++clock))).getSeq();
    fails(ErrorCode.NOT_FOUND, () -> store.stat(VOL, FsPath.ROOT));
    fails(ErrorCode.NOT_FOUND, () -> change(ChangeOp.mkdir(new Mkdir("/x", false, 99, ++clock))));
    fails(ErrorCode.NOT_FOUND, () -> change(ChangeOp.deleteVolume(new DeleteVolume(++clock))));

    Change again = change(ChangeOp.createVolume(new CreateVolume(++clock, GRACE)));
    assertThat(again.getSeq()).isEqualTo(before + 1);
    assertThat(store.list(VOL, FsPath.ROOT, "", 10).entries()).isEmpty();
    fails(ErrorCode.ALREADY_EXISTS, () -> change(ChangeOp.createVolume(new CreateVolume(++clock, GRACE))));
  }

  @Test
  void aRequestIsRememberedWhileItsChangeIsLogged() throws Exception {
    long next = store.volume(VOL).orElseThrow().getLastSeq() + 1;
    store.apply(new Change(VOL, next, ChangeOp.mkdir(new Mkdir("/r", false, 2, ++clock))).setRequestId("req-1"));
    assertThat(store.requestSeq(VOL, "req-1")).contains(next);
    assertThat(store.requestSeq(VOL, "req-2")).isEmpty();
    for (int i = 0; i < 5; i++) {
      change(ChangeOp.mkdir(new Mkdir("/m" + i, false, 10 + i, ++clock)));
    }
    store.trimLog(VOL, 3);
    assertThat(store.requestSeq(VOL, "req-1")).as("forgotten with its trimmed change").isEmpty();
  }

  @Test
  void aRequestRecordedBeforeAnswersWereKeptIsAnsweredWithItsNumberAndWhatItsPathHolds() throws Exception {
    long next = store.volume(VOL).orElseThrow().getLastSeq() + 1;
    store.apply(new Change(VOL, next, ChangeOp.mkdir(new Mkdir("/old", false, 2, ++clock))).setRequestId("req-1"));
    store.apply(new Change(VOL, next + 1, ChangeOp.mkdir(new Mkdir("/gone", false, 3, ++clock)))
        .setRequestId("req-2"));
    change(ChangeOp.remove(new Remove("/gone", false, ++clock)));
    store.stopAsync().awaitTerminated();
    Path db = dir.resolve("ns");
    writeOldRequestRecord(db, "req-1", next);
    writeOldRequestRecord(db, "req-2", next + 1);
    store = new NamespaceStore(db);
    store.startAsync().awaitRunning();

    assertThat(store.requestAnswer(VOL, "req-1").orElseThrow().getInode().getName()).isEqualTo("old");
    assertThat(store.requestAnswer(VOL, "req-2").orElseThrow().getSeq()).isEqualTo(next + 1);
    assertThat(store.requestAnswer(VOL, "req-2").orElseThrow().isSetInode()).as("its path is gone").isFalse();
  }

  /** A request record as directories kept it before answers were: the change's number alone. */
  private static void writeOldRequestRecord(Path db, String requestId, long seq) throws Exception {
    List<ColumnFamilyDescriptor> families = new ArrayList<>();
    families.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
    for (String name : Tables.NAMES) {
      families.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8)));
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions options = new DBOptions(); RocksDB rocks = RocksDB.open(options, db.toString(), families, handles)) {
      ColumnFamilyHandle requests = handles.get(1 + List.of(Tables.NAMES).indexOf("requests"));
      rocks.put(requests, Keys.request(VOL, requestId), Keys.longBytes(seq));
      handles.forEach(ColumnFamilyHandle::close);
    }
  }
}
