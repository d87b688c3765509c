package io.dyad.directory.namespace;

import com.google.common.util.concurrent.AbstractIdleService;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.directory.api.FsPath;
import io.dyad.thrift.Applied;
import io.dyad.thrift.BeginUpload;
import io.dyad.thrift.Change;
import io.dyad.thrift.ChangeOp;
import io.dyad.thrift.GarbageItem;
import io.dyad.thrift.Inode;
import io.dyad.thrift.VolumeRecord;
import io.dyad.thrift.VolumeState;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.rocksdb.RocksDB;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory server's volumes (layout in {@link Keys}), as a service. Changes are applied one at a time, strictly in
 * each volume's sequence, each as one atomic batch — its effects, its log entry and the volume's new last sequence
 * number — written with the WAL synced before {@link #apply} returns. Reads see applied changes only, each read all
 * from one moment (a RocksDB snapshot): never half of a change. Thread-safe.
 *
 * <p>The whole store can be replaced by a snapshot of the partner's ({@link #replaceWith}): every call holds a shared
 * guard, the swap an exclusive one, so no call ever touches a closed database.
 */
public final class NamespaceStore extends AbstractIdleService {
  private static final Logger LOG = LoggerFactory.getLogger(NamespaceStore.class);

  static {
    RocksDB.loadLibrary();
  }

  private final Path dir;
  private final ReentrantReadWriteLock guard = new ReentrantReadWriteLock();
  private volatile Namespace ns;

  /** @param dir the RocksDB directory (created if missing) */
  public NamespaceStore(Path dir) {
    this.dir = dir;
  }

  @Override
  protected void startUp() throws Exception {
    ns = Namespace.open(dir);
  }

  @Override
  protected void shutDown() {
    guard.writeLock().lock();
    try {
      ns.close();
    } finally {
      guard.writeLock().unlock();
    }
  }

  /** A call against the open database. */
  @FunctionalInterface
  private interface Body<T> {
    T run(Namespace ns) throws DyadException;
  }

  private <T> T guarded(Body<T> body) throws DyadException {
    guard.readLock().lock();
    try {
      State s = state();
      if (s != State.RUNNING) {
        throw new DyadException(ErrorCode.UNAVAILABLE, "the directory store is not running (" + s + ")");
      }
      return body.run(ns);
    } finally {
      guard.readLock().unlock();
    }
  }

  /** Makes the change a primary decides from the volume's current record (its next inode id, say). */
  @FunctionalInterface
  public interface Decision {
    ChangeOp decide(Optional<VolumeRecord> volume) throws DyadException;
  }

  /** One page of a listing; {@code next} is where the next page starts (absent on the last). */
  public record ListPage(List<Inode> entries, Optional<String> next) {}

  /**
   * Applies a change durably, if it is the volume's next one. A change already applied is ignored (a duplicate sent
   * again) unless it differs from the one this directory applied with that number ({@link DivergedException}); one
   * that skips ahead is refused with {@link OutOfOrderException} (the missing ones must come first).
   *
   * @throws DyadException the typed error of a change that does not apply to the volume (nothing is written)
   */
  public void apply(Change change) throws DyadException {
    guarded(n -> {
      n.apply(change);
      return null;
    });
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
  public long applyInOrder(String volume, List<Change> changes) throws DyadException {
    return guarded(n -> n.applyInOrder(volume, changes));
  }

  /**
   * The primary's first step: decides the volume's next change from its current state, gives it the next sequence
   * number and checks that it applies — writing nothing (the duplicate applies it first, then {@link #apply}). The
   * caller must keep other writers of the volume out until it has applied or dropped the change.
   *
   * @throws DyadException the typed error of a change that does not apply
   */
  public Change prepare(String volume, Decision decision) throws DyadException {
    return guarded(n -> n.prepare(volume, decision));
  }

  /**
   * A request prepared in a group: the change it became and its answer (what the change leaves at its path, before
   * the later changes of the group), or why it was refused.
   */
  public record Prepared(Change change, Applied answer, DyadException refused) {}

  /**
   * {@link #prepare} for a group of requests to one volume, in order: each is decided (and its answer made) from the
   * volume as the ones before it leave it and numbered after them; a request that does not apply is refused alone and
   * takes no number. Writes nothing; the caller applies the changes with {@link #applyInOrder}.
   */
  public List<Prepared> prepareAll(String volume, List<Decision> decisions) throws DyadException {
    return guarded(n -> n.prepareAll(volume, decisions));
  }

  /**
   * Decides the volume's next change, gives it the next sequence number and applies it durably, under the store's
   * lock (a directory on its own; tests). Returns the change as applied.
   */
  public Change decideAndApply(String volume, Decision decision) throws DyadException {
    return guarded(n -> n.decideAndApply(volume, decision));
  }

  /**
   * Drops a volume's log entries older than the last {@code keep}: a partner further behind than that needs a
   * snapshot. Returns the oldest sequence number still in the log.
   */
  public long trimLog(String volume, long keep) throws DyadException {
    return guarded(n -> n.trimLog(volume, keep));
  }

  /** Where this directory is with the volume, if it holds it (not deleted). */
  public Optional<VolumeState> volumeState(String volume) throws DyadException {
    return guarded(n -> n.volumeState(volume));
  }

  /** Where this directory is with each of its volumes. */
  public List<VolumeState> volumeStates() throws DyadException {
    return guarded(Namespace::volumeStates);
  }

  /** The volumes this directory holds. */
  public List<String> volumes() throws DyadException {
    return guarded(Namespace::volumes);
  }

  public Optional<VolumeRecord> volume(String volume) throws DyadException {
    return guarded(n -> n.volume(volume));
  }

  /** The change that carried request {@code requestId} in the volume, while that change is logged. */
  public Optional<Long> requestSeq(String volume, String requestId) throws DyadException {
    return guarded(n -> n.requestSeq(volume, requestId));
  }

  /**
   * The answer request {@code requestId} got when the volume applied its change (the same on both directories of the
   * pair), while that change is logged: a retried request is answered with it, whatever its path holds now.
   */
  public Optional<Applied> requestAnswer(String volume, String requestId) throws DyadException {
    return guarded(n -> n.requestAnswer(volume, requestId));
  }

  /** Garbage of the volume due by {@code now} (ms since the Unix epoch), oldest first, at most {@code limit}. */
  public List<GarbageItem> garbageDue(String volume, long now, int limit) throws DyadException {
    return guarded(n -> n.garbageDue(volume, now, limit));
  }

  /** Pending uploads of the volume that expired by {@code now}, at most {@code limit}. */
  public List<BeginUpload> uploadsExpired(String volume, long now, int limit) throws DyadException {
    return guarded(n -> n.uploadsExpired(volume, now, limit));
  }

  /** A pending upload. @throws DyadException NOT_FOUND once committed or abandoned, or without the volume */
  public BeginUpload upload(String volume, String uploadId) throws DyadException {
    return guarded(n -> n.upload(volume, uploadId));
  }

  /** The inode a path names. @throws DyadException NOT_FOUND, NOT_A_DIRECTORY */
  public Inode stat(String volume, FsPath path) throws DyadException {
    return guarded(n -> n.stat(volume, path));
  }

  /**
   * Up to {@code limit} entries of a directory, in name order, after {@code afterName} ("" for the start).
   *
   * @throws DyadException NOT_FOUND, NOT_A_DIRECTORY
   */
  public ListPage list(String volume, FsPath path, String afterName, int limit) throws DyadException {
    return guarded(n -> n.list(volume, path, afterName, limit));
  }

  /** Changes of a volume from {@code fromSeq} on, at most {@code limit}, in order (what a lagging duplicate lacks). */
  public List<Change> log(String volume, long fromSeq, int limit) throws DyadException {
    return guarded(n -> n.log(volume, fromSeq, limit));
  }

  /**
   * A digest (SHA-256, hex) of everything a volume holds but its log and remembered requests: its record, inodes,
   * entries, garbage and uploads. Two directories of a pair that applied the same changes have the same digest.
   */
  public String digest(String volume) throws DyadException {
    return guarded(n -> n.digest(volume));
  }

  /**
   * Writes a consistent copy of the whole store into {@code target} (which must not exist): a RocksDB checkpoint,
   * hard links to the immutable table files where it can. A partner too far behind is seeded from it.
   */
  public void checkpoint(Path target) throws DyadException {
    guarded(n -> {
      n.checkpoint(target);
      return null;
    });
  }

  /** The identity of this data directory: made when it was first used, so a replaced or wiped disk has a new one. */
  public String dataId() {
    return ns.dataId();
  }

  /**
   * Replaces everything this store holds with the checkpoint in {@code snapshot} (a partner's, fully written and
   * synced), keeping this directory's data identity. Calls wait meanwhile. The old database is moved aside first and
   * put back if the snapshot cannot be opened.
   */
  public void replaceWith(Path snapshot) throws DyadException {
    guard.writeLock().lock();
    try {
      if (state() != State.RUNNING) {
        throw new DyadException(ErrorCode.UNAVAILABLE, "the directory store is not running (" + state() + ")");
      }
      String keepId = ns.dataId();
      Path aside = dir.resolveSibling(dir.getFileName() + ".replaced");
      ns.close();
      try {
        deleteTree(aside);
        Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
        Files.move(snapshot, dir, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(dir.getParent());
        ns = Namespace.open(dir, keepId);
      } catch (IOException | DyadException e) {
        LOG.error("installing the snapshot in {} failed; putting the old store back: {}", snapshot, e.toString());
        restore(aside);
        throw e instanceof DyadException d ? d : new DyadException(ErrorCode.UNAVAILABLE,
            "cannot install the snapshot: " + e.getMessage(), e);
      }
      deleteTree(aside);
      LOG.info("directory store in {} replaced by a snapshot ({} volumes)", dir, ns.volumes().size());
    } catch (IOException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot install the snapshot: " + e.getMessage(), e);
    } finally {
      guard.writeLock().unlock();
    }
  }

  private void restore(Path aside) throws DyadException {
    try {
      if (Files.exists(aside)) {
        deleteTree(dir);
        Files.move(aside, dir, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      LOG.error("cannot put the old store back from {}: {}", aside, e.toString());
    }
    ns = Namespace.open(dir);
  }

  private static void syncDirectory(Path d) throws IOException {
    try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Deletes a directory tree, if it exists. */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
