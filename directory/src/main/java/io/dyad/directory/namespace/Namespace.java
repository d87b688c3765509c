package io.dyad.directory.namespace;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.directory.api.FsPath;
import io.dyad.thrift.Applied;
import io.dyad.thrift.BeginUpload;
import io.dyad.thrift.Change;
import io.dyad.thrift.GarbageItem;
import io.dyad.thrift.Inode;
import io.dyad.thrift.VolumeRecord;
import io.dyad.thrift.VolumeState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open RocksDB database of a directory server's volumes (used through {@link NamespaceStore}).
 *
 * <p>A directory server's volumes in RocksDB (layout in {@link Keys}). Changes are applied one at a time, strictly in
 * each volume's sequence, each as one atomic batch — its effects, its log entry and the volume's new last sequence
 * number — written with the WAL synced before {@link #apply} returns. Reads see applied changes only. Thread-safe.
 */
final class Namespace implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Namespace.class);
  /** in the default column family: this data directory's identity */
  private static final byte[] DATA_ID_KEY = "dataId".getBytes(StandardCharsets.UTF_8);

  static {
    RocksDB.loadLibrary();
  }

  private final Path dir;
  private final ReentrantLock writes = new ReentrantLock();
  private final ThriftCodec codec = new ThriftCodec();
  private final ChangeApplier applier = new ChangeApplier(codec);
  private final List<ColumnFamilyHandle> handles = new ArrayList<>();
  private DBOptions options;
  private ColumnFamilyOptions cfOptions;
  private WriteOptions synced;
  private Tables tables;
  private String dataId;

  private Namespace(Path dir) {
    this.dir = dir;
  }

  /** Opens (creating if missing) the store in {@code dir}. @throws DyadException UNAVAILABLE if it cannot */
  static Namespace open(Path dir) throws DyadException {
    return open(dir, null);
  }

  /** As {@link #open(Path)}, giving the store the data identity {@code dataIdToKeep} if not null (after a swap). */
  static Namespace open(Path dir, String dataIdToKeep) throws DyadException {
    Namespace ns = new Namespace(dir);
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot create the directory store " + dir + ": " + e, e);
    }
    ns.options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
    ns.cfOptions = new ColumnFamilyOptions();
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, ns.cfOptions));
    for (String name : Tables.NAMES) {
      descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8), ns.cfOptions));
    }
    RocksDB db;
    try {
      db = RocksDB.open(ns.options, dir.toString(), descriptors, ns.handles);
      ns.tables = new Tables(db, ns.handles.get(1), ns.handles.get(2), ns.handles.get(3), ns.handles.get(4),
          ns.handles.get(5), ns.handles.get(6), ns.handles.get(7));
      ns.synced = new WriteOptions().setSync(true);
      if (dataIdToKeep != null) {
        db.put(ns.synced, DATA_ID_KEY, dataIdToKeep.getBytes(StandardCharsets.UTF_8));
      }
      ns.dataId = ns.loadOrCreateDataId(db);
    } catch (RocksDBException e) {
      ns.cfOptions.close();
      ns.options.close();
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot open the directory store in " + dir + ": "
          + e.getMessage(), e);
    }
    LOG.info("directory store open in {} ({} volumes)", dir, ns.volumeNames().size());
    return ns;
  }

  private String loadOrCreateDataId(RocksDB db) throws RocksDBException {
    byte[] id = db.get(DATA_ID_KEY);
    if (id == null) {
      id = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
      db.put(synced, DATA_ID_KEY, id);
    }
    return new String(id, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    writes.lock();
    try {
      handles.forEach(ColumnFamilyHandle::close);
      tables.db().close();
      synced.close();
      cfOptions.close();
      options.close();
      LOG.info("directory store in {} closed", dir);
    } finally {
      writes.unlock();
    }
  }

  /**
   * Applies a change durably, if it is the volume's next one. A change already applied is ignored (a duplicate sent
   * again) unless it differs from the one this directory applied with that number ({@link DivergedException}); one
   * that skips ahead is refused with {@link OutOfOrderException} (the missing ones must come first).
   *
   * @throws DyadException the typed error of a change that does not apply to the volume (nothing is written)
   */
  void apply(Change change) throws DyadException {
    long last = applyInOrder(change.getVolume(), List.of(change));
    if (last < change.getSeq()) {
      throw new OutOfOrderException(change.getVolume(), last, change.getSeq());
    }
  }

  /**
   * Applies, in one durable batch, those of {@code changes} (of one volume, in order) that follow the volume's last
   * applied change without a gap; changes already applied are checked against the log and skipped, and a gap stops
   * the batch there. Returns the volume's last sequence number afterwards: less than the last change given when
   * there was a gap.
   *
   * @throws DyadException the typed error of a change that does not apply (nothing of the batch is written), or
   *     {@link DivergedException}
   */
  long applyInOrder(String volume, List<Change> changes) throws DyadException {
    writes.lock();
    try (VolumeTxn txn = new VolumeTxn(volume, tables, codec)) {
      Optional<VolumeRecord> state = txn.volumeRecord();
      long last = state.map(VolumeRecord::getLastSeq).orElse(0L);
      long first = last;
      for (Change change : changes) {
        if (!change.getVolume().equals(volume)) {
          throw DyadException.invalidArgument("a change of volume " + change.getVolume() + " in a batch of " + volume);
        }
        if (change.getSeq() <= first) {
          checkSameAsLogged(change);
          continue;
        }
        if (change.getSeq() != last + 1) {
          break;
        }
        VolumeRecord after = applier.apply(change.getOp(), state, txn).setLastSeq(change.getSeq());
        txn.putVolumeRecord(after);
        txn.putLog(change.getSeq(), codec.encode(change));
        if (change.isSetRequestId()) {
          // both directories work the answer out alike, so a retry gets it from whichever serves then
          txn.putRequest(change.getRequestId(), change.getSeq(), applier.answer(change, txn));
        }
        state = Optional.of(after);
        last = change.getSeq();
      }
      if (last > first) {
        tables.db().write(synced, txn.batch);
      }
      return last;
    } catch (RocksDBException e) {
      throw VolumeTxn.storeFailure(e);
    } finally {
      writes.unlock();
    }
  }

  /** A change sent again must be the one applied with its number: otherwise the two directories went apart. */
  private void checkSameAsLogged(Change change) throws DyadException {
    byte[] mine;
    try {
      mine = tables.db().get(tables.log(), Keys.log(change.getVolume(), change.getSeq()));
    } catch (RocksDBException e) {
      throw VolumeTxn.storeFailure(e);
    }
    if (mine != null && !Arrays.equals(mine, codec.encode(change))) {
      throw new DivergedException(change.getVolume(), change.getSeq());
    }
  }

  /**
   * The primary's first step: decides the volume's next change from its current state, gives it the next sequence
   * number and checks that it applies — writing nothing (the duplicate applies it first, then {@link #apply}). The
   * caller must keep other writers of the volume out until it has applied or dropped the change.
   *
   * @throws DyadException the typed error of a change that does not apply
   */
  Change prepare(String volume, NamespaceStore.Decision decision) throws DyadException {
    writes.lock();
    try (VolumeTxn txn = new VolumeTxn(volume, tables, codec)) {
      Optional<VolumeRecord> current = txn.volumeRecord();
      Change change = new Change(volume, current.map(VolumeRecord::getLastSeq).orElse(0L) + 1,
          decision.decide(current));
      applier.apply(change.getOp(), current, txn);
      return change;
    } finally {
      writes.unlock();
    }
  }

  /**
   * {@link #prepare} for several requests at once (a group commit): each is decided from the volume as the ones
   * before it in the list would leave it and numbered after them, and answered from the volume as it leaves it (later
   * ones may change its path again); one that does not apply is refused alone (its effects rolled back) and takes no
   * number. Writes nothing.
   */
  List<NamespaceStore.Prepared> prepareAll(String volume, List<NamespaceStore.Decision> decisions)
      throws DyadException {
    writes.lock();
    try (VolumeTxn txn = new VolumeTxn(volume, tables, codec)) {
      Optional<VolumeRecord> state = txn.volumeRecord();
      long last = state.map(VolumeRecord::getLastSeq).orElse(0L);
      List<NamespaceStore.Prepared> out = new ArrayList<>(decisions.size());
      for (NamespaceStore.Decision decision : decisions) {
        txn.batch.setSavePoint();
        try {
          Change change = new Change(volume, last + 1, decision.decide(state));
          VolumeRecord after = applier.apply(change.getOp(), state, txn).setLastSeq(change.getSeq());
          txn.putVolumeRecord(after);
          Applied answer = applier.answer(change, txn);
          state = Optional.of(after);
          last = change.getSeq();
          out.add(new NamespaceStore.Prepared(change, answer, null));
        } catch (DyadException refused) {
          txn.batch.rollbackToSavePoint();
          out.add(new NamespaceStore.Prepared(null, null, refused));
        }
      }
      return out;
    } catch (RocksDBException e) {
      throw VolumeTxn.storeFailure(e);
    } finally {
      writes.unlock();
    }
  }

  /**
   * Drops a volume's log entries older than the last {@code keep}: a partner further behind than that needs a
   * snapshot. Returns the oldest sequence number still in the log.
   */
  long trimLog(String volume, long keep) throws DyadException {
    writes.lock();
    try {
      long last = volume(volume).map(VolumeRecord::getLastSeq).orElse(0L);
      long firstKept = Math.max(1, last - keep + 1);
      if (firstLogSeq(volume, last) < firstKept) {
        // the requests of the changes trimmed are forgotten with them: a retry that late is a new request
        long from = 0;
        while (from < firstKept) {
          List<Change> page = log(volume, from, 10_000);
          try (VolumeTxn txn = new VolumeTxn(volume, tables, codec)) {
            for (Change c : page) {
              if (c.getSeq() < firstKept && c.isSetRequestId()) {
                txn.deleteRequest(c.getRequestId());
              }
            }
            tables.db().write(synced, txn.batch);
          }
          from = page.isEmpty() ? firstKept : page.get(page.size() - 1).getSeq() + 1;
        }
        tables.db().deleteRange(tables.log(), synced, Keys.log(volume, 0), Keys.log(volume, firstKept));
      }
      return firstKept;
    } catch (RocksDBException e) {
      throw VolumeTxn.storeFailure(e);
    } finally {
      writes.unlock();
    }
  }

  /** Where this directory is with the volume, if it holds it (not deleted). */
  Optional<VolumeState> volumeState(String name) throws DyadException {
    Optional<VolumeRecord> v = volume(name).filter(r -> !r.isDeleted());
    return v.map(r -> new VolumeState(name, r.getLastSeq(), firstLogSeq(name, r.getLastSeq())));
  }

  /** Where this directory is with each of its volumes. */
  List<VolumeState> volumeStates() throws DyadException {
    List<VolumeState> out = new ArrayList<>();
    for (String name : volumeNames()) {
      long last = volume(name).map(VolumeRecord::getLastSeq).orElse(0L);
      out.add(new VolumeState(name, last, firstLogSeq(name, last)));
    }
    return out;
  }

  /** The oldest change of the volume still logged ({@code last + 1} if none is). */
  private long firstLogSeq(String volume, long last) {
    try (RocksIterator it = tables.db().newIterator(tables.log())) {
      it.seek(Keys.log(volume, 0));
      if (it.isValid() && Keys.startsWith(it.key(), Keys.volume(volume))) {
        return Keys.longAt(it.key(), it.key().length - 8);
      }
      return last + 1;
    }
  }

  /**
   * Writes a consistent copy of the whole store into {@code target} (which must not exist): a RocksDB checkpoint,
   * hard links to the immutable table files where it can. A partner too far behind is seeded from it.
   */
  void checkpoint(Path target) throws DyadException {
    try (Checkpoint c = Checkpoint.create(tables.db())) {
      c.createCheckpoint(target.toString());
    } catch (RocksDBException e) {
      throw VolumeTxn.storeFailure(e);
    }
  }

  /** The identity of this data directory: made when it was first used, so a replaced or wiped disk has a new one. */
  String dataId() {
    return dataId;
  }

  /**
   * The primary's side: decides the volume's next change from its current state, gives it the next sequence number
   * and applies it durably, all under the store's lock (so two decisions never take the same number). Returns the
   * change as applied, for the duplicate.
   *
   * @throws DyadException the typed error of a change that does not apply (nothing is written)
   */
  Change decideAndApply(String volume, NamespaceStore.Decision decision) throws DyadException {
    writes.lock();
    try {
      Optional<VolumeRecord> current = volume(volume);
      Change change = new Change(volume, current.map(VolumeRecord::getLastSeq).orElse(0L) + 1,
          decision.decide(current));
      apply(change);
      return change;
    } finally {
      writes.unlock();
    }
  }

  /** The volumes this directory holds. */
  List<String> volumes() throws DyadException {
    return volumeNames();
  }

  private List<String> volumeNames() {
    List<String> out = new ArrayList<>();
    try (RocksIterator it = tables.db().newIterator(tables.volumes())) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] key = it.key(); // the volume's name and the NUL that ends it (Keys.volume)
        out.add(new String(key, 0, key.length - 1, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  Optional<VolumeRecord> volume(String volume) throws DyadException {
    try (VolumeTxn txn = new VolumeTxn(volume, tables, codec)) {
      return txn.volumeRecord();
    }
  }

  /** The change that carried request {@code requestId} in the volume, while it is logged. */
  Optional<Long> requestSeq(String volume, String requestId) throws DyadException {
    try (VolumeTxn txn = new VolumeTxn(volume, tables, codec)) {
      return txn.requestSeq(requestId);
    }
  }

  /**
   * The answer request {@code requestId} got when the volume applied it, while its change is logged. A request
   * recorded before answers were kept is answered as it was then: with what its path holds now, if anything.
   */
  Optional<Applied> requestAnswer(String volume, String requestId) throws DyadException {
    try (VolumeTxn txn = VolumeTxn.atOneMoment(volume, tables, codec)) {
      Optional<VolumeTxn.AppliedRequest> r = txn.appliedRequest(requestId);
      if (r.isEmpty() || r.get().answer().isPresent()) {
        return r.flatMap(VolumeTxn.AppliedRequest::answer);
      }
      Applied a = new Applied(r.get().seq());
      String path = txn.logged(a.getSeq()).map(c -> ChangeApplier.pathOf(c.getOp())).orElse(null);
      if (path != null) {
        try {
          a.setInode(txn.resolve(FsPath.of(path)));
        } catch (DyadException gone) {
          // the path has changed since; the answer carries the change's number only
        }
      }
      return Optional.of(a);
    }
  }

  /** Garbage of the volume due by {@code now}, oldest first, at most {@code limit}. */
  List<GarbageItem> garbageDue(String volume, long now, int limit) {
    List<GarbageItem> out = new ArrayList<>();
    byte[] prefix = Keys.volume(volume);
    try (RocksIterator it = tables.db().newIterator(tables.garbage())) {
      for (it.seek(prefix); it.isValid() && Keys.startsWith(it.key(), prefix) && out.size() < limit; it.next()) {
        long due = Keys.longAt(it.key(), prefix.length);
        if (due > now) {
          break;
        }
        out.add(new GarbageItem(due, new String(it.key(), prefix.length + 8, it.key().length - prefix.length - 8,
            StandardCharsets.UTF_8)));
      }
    }
    return out;
  }

  /** Pending uploads of the volume that expired by {@code now}, at most {@code limit}. */
  List<BeginUpload> uploadsExpired(String volume, long now, int limit) {
    List<BeginUpload> out = new ArrayList<>();
    byte[] prefix = Keys.volume(volume);
    try (RocksIterator it = tables.db().newIterator(tables.uploads())) {
      for (it.seek(prefix); it.isValid() && Keys.startsWith(it.key(), prefix) && out.size() < limit; it.next()) {
        BeginUpload u = codec.decode(new BeginUpload(), it.value());
        if (u.getExpiresAt() < now) {
          out.add(u);
        }
      }
    }
    return out;
  }

  BeginUpload upload(String volume, String uploadId) throws DyadException {
    try (VolumeTxn txn = reading(volume)) {
      return txn.upload(uploadId).orElseThrow(() -> DyadException.notFound("upload " + uploadId + " of volume "
          + volume + " is not pending (it was committed already, or abandoned)"));
    }
  }

  /** The inode a path names. @throws DyadException NOT_FOUND, NOT_A_DIRECTORY */
  Inode stat(String volume, FsPath path) throws DyadException {
    try (VolumeTxn txn = reading(volume)) {
      return txn.resolve(path);
    }
  }

  /**
   * Up to {@code limit} entries of a directory, in name order, after {@code afterName} ("" for the start).
   *
   * @throws DyadException NOT_FOUND, NOT_A_DIRECTORY
   */
  NamespaceStore.ListPage list(String volume, FsPath path, String afterName, int limit) throws DyadException {
    try (VolumeTxn txn = reading(volume)) {
      Inode dir = txn.resolveDirectory(path);
      byte[] prefix = Keys.entries(volume, dir.getId());
      List<Inode> entries = new ArrayList<>(Math.min(limit, 1024));
      try (RocksIterator it = txn.iterator(tables.entries())) {
        it.seek(afterName.isEmpty() ? prefix : Keys.entry(volume, dir.getId(), afterName));
        if (!afterName.isEmpty() && it.isValid() && Keys.entryName(it.key(), prefix.length).equals(afterName)) {
          it.next();
        }
        for (; it.isValid() && Keys.startsWith(it.key(), prefix); it.next()) {
          if (entries.size() == limit) {
            return new NamespaceStore.ListPage(entries, Optional.of(entries.get(entries.size() - 1).getName()));
          }
          long id = Keys.longAt(it.value(), 0);
          entries.add(txn.inode(id).orElseThrow(() -> new DyadException(ErrorCode.INTERNAL, "entry of " + path
              + " names a missing inode " + id)));
        }
      }
      return new NamespaceStore.ListPage(entries, Optional.empty());
    }
  }

  /** Changes of a volume from {@code fromSeq} on, at most {@code limit}, in order (what a lagging duplicate lacks). */
  List<Change> log(String volume, long fromSeq, int limit) throws DyadException {
    List<Change> out = new ArrayList<>();
    byte[] prefix = Keys.volume(volume);
    try (RocksIterator it = tables.db().newIterator(tables.log())) {
      for (it.seek(Keys.log(volume, fromSeq)); it.isValid() && Keys.startsWith(it.key(), prefix)
          && out.size() < limit; it.next()) {
        out.add(codec.decode(new Change(), it.value()));
      }
    }
    return out;
  }

  /**
   * A digest (SHA-256, hex) of everything a volume holds but its log (and the requests it remembers, which each
   * directory forgets as it trims its log): its record, inodes, entries, garbage and uploads. Two directories of a
   * pair that applied the same changes have the same digest.
   */
  String digest(String volume) throws DyadException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    byte[] prefix = Keys.volume(volume);
    try (VolumeTxn txn = VolumeTxn.atOneMoment(volume, tables, codec)) {
      for (ColumnFamilyHandle cf : List.of(tables.inodes(), tables.entries(), tables.garbage(), tables.uploads())) {
        try (RocksIterator it = txn.iterator(cf)) {
          for (it.seek(prefix); it.isValid() && Keys.startsWith(it.key(), prefix); it.next()) {
            update(sha, it.key());
            update(sha, it.value());
          }
        }
      }
      txn.volumeRecord().ifPresent(v -> update(sha, codec.encode(v)));
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static void update(MessageDigest sha, byte[] bytes) {
    sha.update(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
    sha.update(bytes);
  }

  /** A read of a volume that exists, all from one moment. */
  private VolumeTxn reading(String volume) throws DyadException {
    VolumeTxn txn = VolumeTxn.atOneMoment(volume, tables, codec);
    if (txn.volumeRecord().filter(v -> !v.isDeleted()).isEmpty()) {
      txn.close();
      throw DyadException.notFound("volume " + volume + " does not exist on this directory");
    }
    return txn;
  }

}
