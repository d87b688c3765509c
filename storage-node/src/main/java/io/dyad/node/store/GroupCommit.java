package io.dyad.node.store;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.READ;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.dyad.common.DyadException;
import io.dyad.common.ObjectId;
import io.dyad.node.store.ObjectFileFormat.Trailer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits small objects through the {@link WriteJournal}: durable (and acknowledged) after one fsync shared with
 * the other writers of the moment, installed without fsyncs of their own, made durable in place by a checkpoint
 * of their journal segment once it is 30 s old (or large), and restored from the journal after a crash before the
 * node serves.
 */
final class GroupCommit {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
  /** Objects up to this size go through the journal; bigger ones amortise their own fsync. */
  static final int MAX_CONTENT_BYTES = 256 * 1024;
  /**
   * A segment is checkpointed once this old: by then the kernel has written most of its objects back on its own
   * (Linux writes dirty pages back after 30 s at most, ext4 commits its journal every 5 s), so the checkpoint's
   * fsyncs find little left to do and do not compete with writers' fsyncs.
   */
  private static final long CHECKPOINT_AGE_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final long CHECKPOINT_BYTES = 256L << 20;
  private static final long CHECKPOINT_CHECK_MILLIS = 1000;
  private static final int SYNC_THREADS = 4;

  private final DataDirectory dir;
  private final FanoutLayout layout;
  private final Ticker ticker;
  private WriteJournal journal;
  private ScheduledExecutorService checkpointer;
  private ExecutorService syncPool;

  /** @param ticker the time journal segments age by (a segment is checkpointed once old enough) */
  GroupCommit(DataDirectory dir, FanoutLayout layout, Ticker ticker) {
    this.dir = dir;
    this.layout = layout;
    this.ticker = ticker;
  }

  static boolean takes(long contentLength) {
    return contentLength <= MAX_CONTENT_BYTES;
  }

  /** Opens the journal and restores what a crash may have cost; call before the store serves. */
  void start() throws IOException {
    syncPool = Executors.newFixedThreadPool(SYNC_THREADS,
        new ThreadFactoryBuilder().setDaemon(true).setNameFormat("journal-sync-%d").build());
    journal = WriteJournal.open(dir.journal(), ticker);
    journal.replay(this::restore);
    checkpointer = Executors.newSingleThreadScheduledExecutor(
        new ThreadFactoryBuilder().setDaemon(true).setNameFormat("journal-checkpoint").build());
    checkpointer.scheduleWithFixedDelay(this::checkpointIfDue, CHECKPOINT_CHECK_MILLIS, CHECKPOINT_CHECK_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  /** Makes everything installed durable in place and closes the journal. */
  void stop() throws IOException {
    checkpointer.shutdown();
    try {
      checkpointer.awaitTermination(1, TimeUnit.MINUTES);
      journal.close(this::syncInPlace);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      journal.close();
    } finally {
      syncPool.shutdownNow();
    }
  }

  /**
   * Journals the object's image, then installs it at {@code target} from {@code file} (a temporary file holding the
   * same image, or null to write one). The caller holds the id's lock and has checked that target is free.
   */
  void commit(ObjectId id, ByteBuffer image, Path file, Path target) throws DyadException {
    WriteJournal.Pending pending;
    try {
      pending = journal.append(id, image);
    } catch (IOException e) {
      throw IoErrors.translate(e, "journaling object " + id);
    }
    Path installed = null;
    Path written = null;
    try {
      if (file == null) {
        written = writeTemp(image, false);
      }
      OwnerOnly.createDirectories(target.getParent());
      Files.move(file != null ? file : written, target, ATOMIC_MOVE);
      installed = target;
    } catch (IOException e) {
      if (written != null) {
        deleteQuietly(written); // the caller removes its own file; this one is ours
      }
      throw IoErrors.translate(e, "installing object " + id);
    } finally {
      pending.installed(installed);
    }
  }

  /** Checkpoints now (tests; the timer does it otherwise). */
  void checkpoint() throws IOException {
    journal.checkpoint(this::syncInPlace);
  }

  private void checkpointIfDue() {
    try {
      if (journal.due(CHECKPOINT_AGE_NANOS, CHECKPOINT_BYTES)) {
        checkpoint();
      }
    } catch (IOException | RuntimeException e) {
      LOG.error("journal checkpoint failed; it is retried (the journal keeps the objects until it succeeds)", e);
    }
  }

  /** fsyncs the installed files, then their directories up to objects/, in parallel. */
  private void syncInPlace(List<Path> installed) throws IOException {
    Set<Path> dirs = new LinkedHashSet<>();
    List<Path> files = new ArrayList<>(installed);
    for (Path p : installed) {
      for (Path d = p.getParent(); d != null && d.startsWith(dir.objects()); d = d.getParent()) {
        dirs.add(d);
      }
    }
    fsyncAll(files);
    fsyncAll(new ArrayList<>(dirs));
  }

  private void fsyncAll(List<Path> paths) throws IOException {
    List<Future<?>> done = new ArrayList<>();
    for (Path p : paths) {
      done.add(syncPool.submit(() -> {
        try {
          DataDirectory.fsync(p);
        } catch (NoSuchFileException gone) {
          // quarantined meanwhile: nothing to keep
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      try {
        f.get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while syncing journaled objects", e);
      }
    }
  }

  /**
   * Replay of one journaled object: if its file is missing or damaged (a machine crash before the checkpoint), it is
   * installed again from the image; either way it is made durable before its record may go. A tombstone or an intact
   * copy there is kept.
   */
  private void restore(WriteJournal.Entry e) throws IOException {
    Path target = layout.pathOf(e.id());
    if (!holdsIntactFile(target)) {
      Path temp = writeTemp(e.image(), true);
      OwnerOnly.createDirectories(target.getParent());
      Files.move(temp, target, ATOMIC_MOVE, REPLACE_EXISTING);
      LOG.warn("object {} restored from the write journal (its file was missing or damaged after a crash)", e.id());
    }
    syncInPlace(List.of(target));
  }

  private static boolean holdsIntactFile(Path target) {
    try (FileChannel ch = FileChannel.open(target, READ)) {
      Trailer t = ObjectFileReader.readTrailer(ch);
      if (!t.tombstone()) {
        ObjectFileReader.readRange(ch, t, 0, (int) Math.min(Integer.MAX_VALUE - 2 * 65536L, t.length()), null);
      }
      return true;
    } catch (IOException | CorruptObjectException e) {
      return false;
    }
  }

  private Path writeTemp(ByteBuffer image, boolean sync) throws IOException {
    Path temp = dir.tmp().resolve(UUID.randomUUID() + ".small");
    DataDirectory.writeNew(temp, image, sync);
    return temp;
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // tmp/ is emptied at every start
    }
  }
}
