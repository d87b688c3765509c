package io.dyad.node.store;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardOpenOption.READ;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.AbstractIdleService;
import com.google.common.util.concurrent.Striped;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.HintPage;
import io.dyad.common.InventoryPage;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.common.Presence;
import io.dyad.node.store.ObjectFileFormat.Trailer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ObjectStore} on a local file system: one file per object or tombstone (format in
 * {@link ObjectFileFormat}), placed by {@link FanoutLayout}, written through fsynced temporary files in
 * {@code tmp/} and atomic renames. An object that fails a checksum is moved to {@code quarantine/} so that
 * the node stops offering it (its partner still has it; resync restores it).
 */
public final class FileObjectStore extends AbstractIdleService implements ObjectStore {
  private static final Logger LOG = LoggerFactory.getLogger(FileObjectStore.class);

  private final StoreConfig config;
  private final Clock clock;
  private final Ticker ticker;
  private final Striped<Lock> idLocks = Striped.lock(1024);
  private final AtomicLong quarantined = new AtomicLong();

  private volatile DataDirectory dir;
  private volatile FanoutLayout layout;
  private volatile WriteSessions sessions;
  private volatile InventoryLister lister;
  private volatile HintStore hints;
  private volatile GroupCommit groupCommit;
  private ScheduledExecutorService sweeper;

  public FileObjectStore(StoreConfig config, Clock clock, Ticker ticker) {
    this.config = config;
    this.clock = clock;
    this.ticker = ticker;
  }

  public static FileObjectStore create(StoreConfig config) {
    return new FileObjectStore(config, Clock.systemUTC(), Ticker.systemTicker());
  }

  @Override
  protected void startUp() throws DyadException {
    dir = DataDirectory.open(config.dataDir());
    layout = new FanoutLayout(dir.objects());
    sessions = new WriteSessions(dir.tmp(), ticker, config.sessionIdleTimeout(),
        config.sessionIdleTimeoutUnderPressure(), config.maxOpenSessions(), config.sessionsPerGateway());
    lister = new InventoryLister(layout, this::metaForListing);
    hints = new HintStore(dir.hints());
    try {
      hints.migrateFlatHints();
    } catch (IOException e) {
      throw IoErrors.translate(e, "moving hints into the fan-out layout");
    }
    groupCommit = new GroupCommit(dir, layout, ticker);
    try {
      groupCommit.start();
    } catch (IOException e) {
      throw IoErrors.translate(e, "replaying the write journal");
    }
    sweeper = Executors.newSingleThreadScheduledExecutor(
        new ThreadFactoryBuilder().setDaemon(true).setNameFormat("session-sweeper").build());
    long period = Math.max(1, Math.min(30_000, config.sessionIdleTimeout().toMillis() / 4));
    sweeper.scheduleWithFixedDelay(this::expireIdleSessions, period, period, TimeUnit.MILLISECONDS);
    LOG.info("object store open in {}", dir.root());
  }

  @Override
  protected void shutDown() throws IOException {
    sweeper.shutdownNow();
    sessions.abortAll();
    groupCommit.stop();
    dir.close();
    LOG.info("object store in {} closed", dir.root());
  }

  /** Aborts write sessions idle for longer than the configured timeout; returns how many. */
  public int expireIdleSessions() {
    try {
      return sessions.expireIdle();
    } catch (RuntimeException e) {
      LOG.error("expiring idle write sessions failed", e);
      return 0;
    }
  }

  /** Makes every journaled object durable in place now (the store does it on its own once a segment is 30 s old). */
  void checkpointJournal() throws IOException {
    groupCommit.checkpoint();
  }

  @Override
  public String begin(ObjectId id, long sizeHint, String owner) throws DyadException {
    ensureRunning();
    if (sizeHint < -1) {
      throw DyadException.invalidArgument("size hint must be -1 (unknown) or a length, was " + sizeHint);
    }
    Path target = layout.pathOf(id);
    if (Files.exists(target)) {
      throw alreadyExists(id, target);
    }
    ensureRoomFor(Math.max(0, sizeHint), id);
    return sessions.open(id, owner).sessionId();
  }

  @Override
  public void append(String sessionId, long offset, ByteBuffer chunk) throws DyadException {
    ensureRunning();
    WriteSession s = sessions.get(sessionId);
    if (chunk.remaining() > config.maxChunkBytes()) {
      throw DyadException.invalidArgument("chunk of " + chunk.remaining() + " bytes exceeds the limit of "
          + config.maxChunkBytes() + " bytes");
    }
    ensureRoomFor(chunk.remaining(), s.objectId());
    s.append(offset, chunk, sessions.nowNanos());
  }

  @Override
  public ObjectMeta commit(String sessionId, long length, int crc32c, List<String> hintFor) throws DyadException {
    ensureRunning();
    WriteSession s = sessions.get(sessionId);
    sessions.remove(s);
    for (String m : hintFor) {
      HintStore.checkMember(m);
    }
    boolean grouped = GroupCommit.takes(length);
    WriteSession.Sealed sealed = s.seal(length, crc32c, clock.millis(), !grouped);
    try {
      ByteBuffer image = grouped ? readImage(sealed.file(), s.objectId()) : null;
      return installNew(s.objectId(), sealed.trailer(), image, sealed.file(), hintFor);
    } finally {
      deleteQuietly(sealed.file());
    }
  }

  @Override
  public ObjectMeta write(ObjectId id, ByteBuffer content, int crc32c, List<String> hintFor) throws DyadException {
    ensureRunning();
    if (content.remaining() > config.maxChunkBytes()) {
      throw DyadException.invalidArgument("object of " + content.remaining() + " bytes exceeds the limit of "
          + config.maxChunkBytes() + " bytes for a single-call write; use a write session");
    }
    for (String m : hintFor) {
      HintStore.checkMember(m);
    }
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(content.duplicate());
    if ((int) crc.getValue() != crc32c) {
      throw WriteSession.checksumMismatch(id, content.remaining(), (int) crc.getValue(), crc32c);
    }
    ensureRoomFor(ObjectFileFormat.fileSize(content.remaining()), id);
    ByteBuffer image = ObjectImage.of(content, crc32c, clock.millis());
    Trailer trailer = ObjectImage.trailerOf(image);
    if (GroupCommit.takes(content.remaining())) {
      return installNew(id, trailer, image, null, hintFor);
    }
    Path temp = dir.tmp().resolve(UUID.randomUUID() + ".data");
    try {
      try {
        DataDirectory.writeNew(temp, image, true);
      } catch (IOException e) {
        throw IoErrors.translate(e, "writing object " + id);
      }
      return installNew(id, trailer, null, temp, hintFor);
    } finally {
      deleteQuietly(temp);
    }
  }

  /**
   * Installs a new object: through the group commit when {@code image} is given (small objects; {@code file}, if
   * not null, holds the same image), else by renaming the fsynced {@code file} into place. Hints first.
   */
  private ObjectMeta installNew(ObjectId id, Trailer trailer, ByteBuffer image, Path file, List<String> hintFor)
      throws DyadException {
    if (!hintFor.isEmpty()) {
      // the hint first: an object without its hint could be missed; a hint without its object is harmless
      hints.add(hintFor, id);
    }
    Lock lock = idLocks.get(id);
    lock.lock();
    try {
      Path target = layout.pathOf(id);
      if (Files.exists(target)) {
        throw alreadyExists(id, target);
      }
      if (image != null) {
        groupCommit.commit(id, image, file, target);
      } else {
        install(file, target);
      }
      return meta(id, trailer);
    } finally {
      lock.unlock();
    }
  }

  private static ByteBuffer readImage(Path sealed, ObjectId id) throws DyadException {
    try {
      return ByteBuffer.wrap(Files.readAllBytes(sealed));
    } catch (IOException e) {
      throw IoErrors.translate(e, "committing object " + id);
    }
  }

  @Override
  public void abort(String sessionId) {
    try {
      WriteSession s = sessions.get(sessionId);
      sessions.remove(s);
      s.abort();
    } catch (DyadException unknown) {
      // aborting an unknown session is not an error
    }
  }

  @Override
  public ByteBuffer read(ObjectId id, long offset, int length, ByteBuffer scratch) throws DyadException {
    ensureRunning();
    if (offset < 0 || length < 0) {
      throw DyadException.invalidArgument("offset and length must not be negative (were " + offset + ", " + length + ")");
    }
    if (length > config.maxChunkBytes()) {
      throw DyadException.invalidArgument("read of " + length + " bytes exceeds the limit of "
          + config.maxChunkBytes() + " bytes per call");
    }
    Path path = layout.pathOf(id);
    Trailer seen = null;
    try (FileChannel ch = openExisting(id, path)) {
      Trailer t = ObjectFileReader.readTrailer(ch);
      seen = t;
      if (t.tombstone()) {
        throw DyadException.notFound("object " + id + " was deleted");
      }
      if (offset > t.length()) {
        throw DyadException.invalidArgument("offset " + offset + " is beyond the end of object " + id
            + " (" + t.length() + " bytes)");
      }
      return ObjectFileReader.readRange(ch, t, offset, length, scratch);
    } catch (CorruptObjectException e) {
      throw corrupt(id, path, seen, e);
    } catch (IOException e) {
      throw IoErrors.translate(e, "reading object " + id);
    }
  }

  @Override
  public ObjectMeta stat(ObjectId id) throws DyadException {
    ensureRunning();
    Path path = layout.pathOf(id);
    try (FileChannel ch = openExisting(id, path)) {
      return meta(id, ObjectFileReader.readTrailer(ch));
    } catch (CorruptObjectException e) {
      throw corrupt(id, path, null, e);
    } catch (IOException e) {
      throw IoErrors.translate(e, "reading object " + id);
    }
  }

  @Override
  public Presence presence(ObjectId id) throws DyadException {
    try {
      return stat(id).tombstone() ? Presence.DELETED : Presence.PRESENT;
    } catch (DyadException e) {
      if (e.code() == ErrorCode.NOT_FOUND || e.code() == ErrorCode.CHECKSUM_MISMATCH) {
        return Presence.ABSENT;
      }
      throw e;
    }
  }

  @Override
  public ObjectMeta delete(ObjectId id, List<String> hintFor) throws DyadException {
    ensureRunning();
    if (!hintFor.isEmpty()) {
      hints.add(hintFor, id);
    }
    Lock lock = idLocks.get(id);
    lock.lock();
    Path temp = dir.tmp().resolve(UUID.randomUUID() + ".tombstone");
    try {
      Path target = layout.pathOf(id);
      Optional<ObjectMeta> existing = metaForListing(id);
      if (existing.isPresent() && existing.get().tombstone()) {
        return existing.get();
      }
      Trailer trailer = new Trailer(true, 0, 0, clock.millis(), 0);
      try {
        DataDirectory.writeNew(temp, trailer.encode(), true);
      } catch (IOException e) {
        throw IoErrors.translate(e, "writing a tombstone for object " + id);
      }
      install(temp, target);
      return meta(id, trailer);
    } finally {
      lock.unlock();
      deleteQuietly(temp);
    }
  }

  @Override
  public int dropMoved(List<ObjectMeta> moved) throws DyadException {
    ensureRunning();
    try {
      // a journal replay restores objects missing from their place: none of these may come back after a crash
      groupCommit.checkpoint();
    } catch (IOException e) {
      throw IoErrors.translate(e, "checkpointing the write journal before removing moved objects");
    }
    int removed = 0;
    List<ObjectId> ids = new ArrayList<>();
    for (ObjectMeta m : moved) {
      if (dropIfSame(m)) {
        removed++;
        ids.add(m.id());
      }
    }
    hints.forgetEverywhere(ids);
    return removed;
  }

  /** Removes the copy of {@code m.id()} if what the new pair holds ({@code m}) covers it. */
  private boolean dropIfSame(ObjectMeta m) throws DyadException {
    Lock lock = idLocks.get(m.id());
    lock.lock();
    try {
      Optional<ObjectMeta> here = metaForListing(m.id());
      if (here.isEmpty()) {
        return false;
      }
      ObjectMeta h = here.get();
      boolean covered = m.tombstone() || (!h.tombstone() && h.length() == m.length() && h.crc32c() == m.crc32c());
      if (!covered) {
        LOG.warn("object {} moved to another pair as {} but this node holds {}; kept", m.id(), m, h);
        return false;
      }
      Path path = layout.pathOf(m.id());
      Files.deleteIfExists(path);
      DataDirectory.fsync(path.getParent());
      return true;
    } catch (IOException e) {
      throw IoErrors.translate(e, "removing moved object " + m.id());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void addHint(String member, ObjectId id) throws DyadException {
    ensureRunning();
    hints.add(List.of(member), id);
  }

  @Override
  public HintPage hints(String member, String cursor, int limit) throws DyadException {
    ensureRunning();
    return hints.list(member, cursor, limit);
  }

  @Override
  public void clearHints(String member, List<ObjectId> ids) throws DyadException {
    ensureRunning();
    hints.clear(member, ids);
  }

  @Override
  public InventoryPage inventory(String cursor, int limit) throws DyadException {
    ensureRunning();
    return lister.page(cursor, limit);
  }

  @Override
  public StoreStatus status() throws DyadException {
    ensureRunning();
    try {
      return new StoreStatus(dir.usableBytes(), dir.totalBytes(), config.reserveBytes(), sessions.size(),
          quarantined.get(), sessions.refused());
    } catch (IOException e) {
      throw IoErrors.translate(e, "reading the free space of " + dir.root());
    }
  }

  @Override
  public String dataId() {
    return dir.identity();
  }

  @Override
  public int scratchBytesFor(int length) {
    return ObjectFileReader.scratchBytesFor(length);
  }

  @Override
  public int maxChunkBytes() {
    return config.maxChunkBytes();
  }

  /** Renames a complete, fsynced file into place and makes the rename durable. Caller holds the id's lock. */
  private void install(Path sealedFile, Path target) throws DyadException {
    try {
      Path bucket = target.getParent();
      if (!Files.isDirectory(bucket)) {
        OwnerOnly.createDirectories(bucket);
        DataDirectory.fsync(bucket.getParent());
        DataDirectory.fsync(bucket.getParent().getParent());
      }
      Files.move(sealedFile, target, ATOMIC_MOVE);
      DataDirectory.fsync(bucket);
    } catch (IOException e) {
      throw IoErrors.translate(e, "installing " + target.getFileName());
    }
  }

  /** Metadata for listings and idempotent deletes: empty if absent; corrupt files are set aside and skipped. */
  private Optional<ObjectMeta> metaForListing(ObjectId id) throws DyadException {
    try {
      return Optional.of(stat(id));
    } catch (DyadException e) {
      if (e.code() == ErrorCode.NOT_FOUND || e.code() == ErrorCode.CHECKSUM_MISMATCH) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private FileChannel openExisting(ObjectId id, Path path) throws DyadException, IOException {
    try {
      return FileChannel.open(path, READ);
    } catch (NoSuchFileException e) {
      throw DyadException.notFound("object " + id + " is not on this node");
    }
  }

  /** @param seen the trailer read before the damage was found; null if the trailer itself was damaged */
  private DyadException corrupt(ObjectId id, Path path, Trailer seen, CorruptObjectException e) {
    quarantine(id, seen, e.getMessage());
    return new DyadException(ErrorCode.CHECKSUM_MISMATCH,
        "object " + id + " is corrupt on this node (" + e.getMessage() + "); it has been quarantined");
  }

  /**
   * Moves the damaged file aside, unless it was replaced meanwhile (a delete installs a tombstone over an object
   * without waiting for readers): under the id's lock, the file there now must be the one found damaged.
   */
  void quarantine(ObjectId id, Trailer seen, String reason) {
    Path path = layout.pathOf(id);
    Lock lock = idLocks.get(id);
    lock.lock();
    try {
      if (!stillTheDamagedFile(path, seen)) {
        LOG.info("object {} failed a check ({}) but was replaced meanwhile; nothing to quarantine", id, reason);
        return;
      }
      Path aside = dir.quarantine().resolve(id.value() + "." + clock.millis());
      Files.move(path, aside, ATOMIC_MOVE);
      DataDirectory.fsync(path.getParent());
      quarantined.incrementAndGet();
      LOG.error("object {} failed its checksum ({}); moved to {}", id, reason, aside);
    } catch (NoSuchFileException gone) {
      // another reader quarantined it first
    } catch (IOException e) {
      LOG.error("object {} failed its checksum ({}) and could not be quarantined", id, reason, e);
    } finally {
      lock.unlock();
    }
  }

  /** Caller holds the id's lock. */
  private static boolean stillTheDamagedFile(Path path, Trailer seen) throws IOException {
    Trailer now;
    try (FileChannel ch = FileChannel.open(path, READ)) {
      now = ObjectFileReader.readTrailer(ch);
    } catch (CorruptObjectException e) {
      return true; // its trailer is damaged now: whatever it was, it cannot be served
    }
    return now.equals(seen);
  }

  private void ensureRoomFor(long bytes, ObjectId id) throws DyadException {
    long usable;
    try {
      usable = dir.usableBytes();
    } catch (IOException e) {
      throw IoErrors.translate(e, "reading the free space of " + dir.root());
    }
    if (usable - bytes < config.reserveBytes()) {
      throw new DyadException(ErrorCode.STORAGE_FULL, "no room for object " + id + ": " + usable
          + " bytes free, writing " + bytes + " more would leave less than the reserve of "
          + config.reserveBytes() + " bytes");
    }
  }

  private DyadException alreadyExists(ObjectId id, Path target) {
    Optional<ObjectMeta> m;
    try {
      m = metaForListing(id);
    } catch (DyadException e) {
      m = Optional.empty();
    }
    String what = m.isPresent() && m.get().tombstone()
        ? "object " + id + " was deleted; object ids are never reused"
        : "object " + id + " already exists";
    return new DyadException(ErrorCode.ALREADY_EXISTS, what);
  }

  private void ensureRunning() throws DyadException {
    State s = state();
    if (s != State.RUNNING) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "the object store is not running (" + s + ")");
    }
  }

  private static ObjectMeta meta(ObjectId id, Trailer t) {
    return new ObjectMeta(id, t.length(), t.crc32c(), t.tombstone(), t.writtenAtMillis());
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // tmp/ is emptied at every start
    }
  }
}
