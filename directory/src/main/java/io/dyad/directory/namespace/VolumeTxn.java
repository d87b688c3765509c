package io.dyad.directory.namespace;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.directory.api.FsPath;
import io.dyad.thrift.Applied;
import io.dyad.thrift.BeginUpload;
import io.dyad.thrift.Change;
import io.dyad.thrift.EntryType;
import io.dyad.thrift.Inode;
import io.dyad.thrift.VolumeRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatchWithIndex;

/**
 * One change being applied to one volume: reads see the database with the change's own writes so far on top
 * ({@code WriteBatchWithIndex}), writes go to the batch, which the store then writes atomically, WAL synced. A
 * transaction that only reads ({@link #atOneMoment}) reads from one RocksDB snapshot, so all its reads see the same
 * moment: a path resolved, a directory listed, while another change removes or moves them, is seen wholly before or
 * wholly after it. Not thread-safe; closed by the store.
 */
final class VolumeTxn implements AutoCloseable {
  static final long ROOT = 1;

  final String volume;
  private final Tables t;
  private final ThriftCodec codec;
  final WriteBatchWithIndex batch = new WriteBatchWithIndex(true);
  private final ReadOptions read = new ReadOptions();
  /** what every read sees, for a transaction that only reads; null for a change (the store's lock keeps it still) */
  private final Snapshot snapshot;

  /** A change's transaction: the caller holds the store's write lock. */
  VolumeTxn(String volume, Tables t, ThriftCodec codec) {
    this(volume, t, codec, false);
  }

  private VolumeTxn(String volume, Tables t, ThriftCodec codec, boolean pinned) {
    this.volume = volume;
    this.t = t;
    this.codec = codec;
    this.snapshot = pinned ? t.db().getSnapshot() : null;
    if (snapshot != null) {
      read.setSnapshot(snapshot);
    }
  }

  /** A transaction that only reads, all of it from the database as it is now (a snapshot, released on close). */
  static VolumeTxn atOneMoment(String volume, Tables t, ThriftCodec codec) {
    return new VolumeTxn(volume, t, codec, true);
  }

  /** An iterator over a table that sees what this transaction's reads see (its writes excluded); close it. */
  RocksIterator iterator(ColumnFamilyHandle cf) {
    return t.db().newIterator(cf, read);
  }

  private byte[] get(ColumnFamilyHandle cf, byte[] key) throws DyadException {
    try {
      return batch.getFromBatchAndDB(t.db(), cf, read, key);
    } catch (RocksDBException e) {
      throw storeFailure(e);
    }
  }

  private void put(ColumnFamilyHandle cf, byte[] key, byte[] value) throws DyadException {
    try {
      batch.put(cf, key, value);
    } catch (RocksDBException e) {
      throw storeFailure(e);
    }
  }

  private void delete(ColumnFamilyHandle cf, byte[] key) throws DyadException {
    try {
      batch.delete(cf, key);
    } catch (RocksDBException e) {
      throw storeFailure(e);
    }
  }

  static DyadException storeFailure(RocksDBException e) {
    return new DyadException(ErrorCode.UNAVAILABLE, "the directory's store failed: " + e.getMessage(), e);
  }

  // ---- volume ----

  Optional<VolumeRecord> volumeRecord() throws DyadException {
    byte[] v = get(t.volumes(), Keys.volume(volume));
    return v == null ? Optional.empty() : Optional.of(codec.decode(new VolumeRecord(), v));
  }

  void putVolumeRecord(VolumeRecord r) throws DyadException {
    put(t.volumes(), Keys.volume(volume), codec.encode(r));
  }

  void putLog(long seq, byte[] change) throws DyadException {
    put(t.log(), Keys.log(volume, seq), change);
  }

  /** The volume's change {@code seq}, while it is logged. */
  Optional<Change> logged(long seq) throws DyadException {
    byte[] v = get(t.log(), Keys.log(volume, seq));
    return v == null ? Optional.empty() : Optional.of(codec.decode(new Change(), v));
  }

  // ---- inodes and entries ----

  Optional<Inode> inode(long id) throws DyadException {
    byte[] v = get(t.inodes(), Keys.inode(volume, id));
    return v == null ? Optional.empty() : Optional.of(codec.decode(new Inode(), v));
  }

  void putInode(Inode i) throws DyadException {
    put(t.inodes(), Keys.inode(volume, i.getId()), codec.encode(i));
  }

  void deleteInode(long id) throws DyadException {
    delete(t.inodes(), Keys.inode(volume, id));
  }

  Optional<Long> child(long parent, String name) throws DyadException {
    byte[] v = get(t.entries(), Keys.entry(volume, parent, name));
    return v == null ? Optional.empty() : Optional.of(Keys.longAt(v, 0));
  }

  void putEntry(long parent, String name, long child) throws DyadException {
    put(t.entries(), Keys.entry(volume, parent, name), Keys.longBytes(child));
  }

  void deleteEntry(long parent, String name) throws DyadException {
    delete(t.entries(), Keys.entry(volume, parent, name));
  }

  /** Up to {@code limit} children of a directory (inode ids), in name order — this change's writes included. */
  List<Long> childIds(long parent, int limit) {
    List<Long> out = new ArrayList<>();
    byte[] prefix = Keys.entries(volume, parent);
    try (RocksIterator base = iterator(t.entries());
        RocksIterator it = batch.newIteratorWithBase(t.entries(), base)) {
      for (it.seek(prefix); it.isValid() && Keys.startsWith(it.key(), prefix) && out.size() < limit; it.next()) {
        out.add(Keys.longAt(it.value(), 0));
      }
    }
    return out;
  }

  /** The names of a directory's children (this change's writes included), in name order. */
  List<String> childNames(long parent) {
    List<String> out = new ArrayList<>();
    byte[] prefix = Keys.entries(volume, parent);
    try (RocksIterator base = iterator(t.entries());
        RocksIterator it = batch.newIteratorWithBase(t.entries(), base)) {
      for (it.seek(prefix); it.isValid() && Keys.startsWith(it.key(), prefix); it.next()) {
        out.add(Keys.entryName(it.key(), prefix.length));
      }
    }
    return out;
  }

  boolean hasChildren(long parent) {
    return !childIds(parent, 1).isEmpty();
  }

  // ---- garbage and uploads ----

  void addGarbage(long due, String objectId) throws DyadException {
    put(t.garbage(), Keys.garbage(volume, due, objectId), new byte[0]);
  }

  void forgetGarbage(long due, String objectId) throws DyadException {
    delete(t.garbage(), Keys.garbage(volume, due, objectId));
  }

  boolean hasUpload(String uploadId) throws DyadException {
    return get(t.uploads(), Keys.upload(volume, uploadId)) != null;
  }

  Optional<BeginUpload> upload(String uploadId) throws DyadException {
    byte[] v = get(t.uploads(), Keys.upload(volume, uploadId));
    return v == null ? Optional.empty() : Optional.of(codec.decode(new BeginUpload(), v));
  }

  /** The change that carried request {@code requestId}, if the volume applied one. */
  Optional<Long> requestSeq(String requestId) throws DyadException {
    byte[] v = get(t.requests(), Keys.request(volume, requestId));
    return v == null ? Optional.empty() : Optional.of(Keys.longAt(v, 0));
  }

  /**
   * A request the volume applied: the number of the change that carried it, and the answer it got (absent in a record
   * kept before answers were).
   */
  record AppliedRequest(long seq, Optional<Applied> answer) {}

  /** What the volume remembers of request {@code requestId}, if it applied it. */
  Optional<AppliedRequest> appliedRequest(String requestId) throws DyadException {
    byte[] v = get(t.requests(), Keys.request(volume, requestId));
    if (v == null) {
      return Optional.empty();
    }
    Optional<Applied> answer = v.length == 8 ? Optional.empty()
        : Optional.of(codec.decode(new Applied(), Arrays.copyOfRange(v, 8, v.length)));
    return Optional.of(new AppliedRequest(Keys.longAt(v, 0), answer));
  }

  /** Remembers request {@code requestId}: the number of the change that carried it, and the answer it got. */
  void putRequest(String requestId, long seq, Applied answer) throws DyadException {
    byte[] a = codec.encode(answer);
    byte[] v = Arrays.copyOf(Keys.longBytes(seq), 8 + a.length);
    System.arraycopy(a, 0, v, 8, a.length);
    put(t.requests(), Keys.request(volume, requestId), v);
  }

  void deleteRequest(String requestId) throws DyadException {
    delete(t.requests(), Keys.request(volume, requestId));
  }

  void putUpload(String uploadId, byte[] upload) throws DyadException {
    put(t.uploads(), Keys.upload(volume, uploadId), upload);
  }

  void deleteUpload(String uploadId) throws DyadException {
    delete(t.uploads(), Keys.upload(volume, uploadId));
  }

  // ---- paths ----

  /**
   * The inode a path names.
   *
   * @throws DyadException NOT_FOUND if it or an ancestor does not exist; NOT_A_DIRECTORY if an ancestor is a file
   */
  Inode resolve(FsPath path) throws DyadException {
    Inode at = inode(ROOT).orElseThrow(() -> DyadException.notFound("volume " + volume + " has no root"));
    StringBuilder walked = new StringBuilder();
    for (String name : path.components()) {
      if (at.getType() != EntryType.DIRECTORY) {
        throw new DyadException(ErrorCode.NOT_A_DIRECTORY, volume + ":" + (walked.length() == 0 ? "/" : walked)
            + " is a file, not a directory");
      }
      walked.append('/').append(name);
      long id = child(at.getId(), name).orElseThrow(
          () -> DyadException.notFound("no such file or directory: " + volume + ":" + walked));
      at = inode(id).orElseThrow(() -> new DyadException(ErrorCode.INTERNAL, "entry " + walked + " of volume "
          + volume + " names inode " + id + ", which does not exist"));
    }
    return at;
  }

  /** The directory a path names. @throws DyadException as {@link #resolve}, or NOT_A_DIRECTORY */
  Inode resolveDirectory(FsPath path) throws DyadException {
    Inode i = resolve(path);
    if (i.getType() != EntryType.DIRECTORY) {
      throw new DyadException(ErrorCode.NOT_A_DIRECTORY, volume + ":" + path + " is a file, not a directory");
    }
    return i;
  }

  /** The inode a path names, or empty if the last component does not exist (its parent must). */
  Optional<Inode> lookup(FsPath path) throws DyadException {
    if (path.isRoot()) {
      return Optional.of(resolve(path));
    }
    Inode parent = resolveDirectory(path.parent());
    Optional<Long> id = child(parent.getId(), path.name());
    return id.isEmpty() ? Optional.empty() : inode(id.get());
  }

  @Override
  public void close() {
    batch.close();
    if (snapshot != null) {
      t.db().releaseSnapshot(snapshot);
    }
    read.close();
  }
}
