package io.dyad.node.store;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.access.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A storage node's data directory: {@code objects/} (the fan-out tree), {@code tmp/} (write sessions in
 * progress), {@code quarantine/} (objects that failed their checksum), {@code hints/}, the directory's
 * {@code IDENTITY}, and a {@code LOCK} file held while the store is open, so that two processes never share one
 * directory. Only its owner may enter it (0700, and what the store creates in it 0600/0700): an object's bytes are
 * read through a locator, never by another local user. A directory others may enter (0755 from older versions) is
 * tightened at start.
 */
final class DataDirectory implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
  private static final String IDENTITY_FILE = "IDENTITY";

  private final Path root;
  private final Path objects;
  private final Path tmp;
  private final Path quarantine;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final FileStore fileStore;
  private String identity;

  private DataDirectory(Path root, FileChannel lockChannel, FileLock lock, FileStore fileStore) {
    this.root = root;
    this.objects = root.resolve("objects");
    this.tmp = root.resolve("tmp");
    this.quarantine = root.resolve("quarantine");
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.fileStore = fileStore;
  }

  /**
   * Creates (if needed), locks and prepares the directory, and removes what interrupted writes left in
   * {@code tmp/}.
   *
   * @throws DyadException UNAVAILABLE naming the problem: not a directory, not writable, or in use
   */
  static DataDirectory open(Path root) throws DyadException {
    Path dir = root.toAbsolutePath().normalize();
    FileChannel channel = null;
    try {
      if (Files.exists(dir) && !Files.isDirectory(dir)) {
        throw problem(dir, "is not a directory", null);
      }
      PrivateFiles.ownerOnlyDirectory(dir, "the storage node's data directory");
      for (String sub : new String[] {"objects", "tmp", "quarantine", "hints", "journal"}) {
        OwnerOnly.createDirectories(dir.resolve(sub));
      }
      fsync(dir);
      channel = OwnerOnly.open(dir.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw problem(dir, "is in use by another storage node process", null);
      }
      DataDirectory d = new DataDirectory(dir, channel, lock, Files.getFileStore(dir));
      channel = null;
      d.removeLeftovers();
      d.identity = d.readOrCreateIdentity();
      return d;
    } catch (AccessDeniedException e) {
      throw problem(dir, "is not writable", e);
    } catch (NoSuchFileException e) {
      throw problem(dir, "cannot be created: no such file or directory at " + e.getFile(), e);
    } catch (FileSystemException e) {
      String reason = e.getReason() == null ? e.getClass().getSimpleName() : e.getReason().toLowerCase();
      throw problem(dir, "cannot be used: " + reason + " at " + e.getFile(), e);
    } catch (IOException e) {
      throw problem(dir, "cannot be used: " + e.getMessage(), e);
    } finally {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // nothing more to do: we are already failing
        }
      }
    }
  }

  private static DyadException problem(Path dir, String what, Throwable cause) {
    return new DyadException(ErrorCode.UNAVAILABLE, "data directory " + dir + " " + what, cause);
  }

  private void removeLeftovers() throws IOException {
    int removed = 0;
    try (Stream<Path> leftovers = Files.list(tmp)) {
      for (Path p : (Iterable<Path>) leftovers::iterator) {
        Files.deleteIfExists(p);
        removed++;
      }
    }
    if (removed > 0) {
      fsync(tmp);
      LOG.info("removed {} leftover file(s) of interrupted writes from {}", removed, tmp);
    }
  }

  /**
   * The directory's identity, a random id written (durably) the first time it is used. A member that comes back
   * on another directory (a replaced disk, a wiped one) has a new identity, so the cluster knows it may lack
   * everything. Never copy a data directory, or restore one from a backup: the copy would claim the identity of
   * data it does not hold.
   */
  private String readOrCreateIdentity() throws IOException {
    Path file = root.resolve(IDENTITY_FILE);
    if (Files.exists(file)) {
      String id = Files.readString(file, java.nio.charset.StandardCharsets.US_ASCII).trim();
      if (id.matches("[0-9a-f-]{36}")) {
        return id;
      }
      LOG.warn("{} holds no valid identity; giving the directory a new one", file);
    }
    String id = java.util.UUID.randomUUID().toString();
    Path temp = tmp.resolve(IDENTITY_FILE + ".new");
    try (FileChannel ch = OwnerOnly.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap((id + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
      ch.force(true);
    }
    Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    fsync(root);
    LOG.info("data directory {} has the new identity {}", root, id);
    return id;
  }

  String identity() {
    return identity;
  }

  /**
   * Writes {@code bytes} to a new file (it must not exist), fsynced if {@code sync}; a file left half written by a
   * failure is removed.
   */
  static void writeNew(Path file, ByteBuffer bytes, boolean sync) throws IOException {
    try (FileChannel ch = OwnerOnly.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer b = bytes.duplicate();
      while (b.hasRemaining()) {
        ch.write(b);
      }
      if (sync) {
        ch.force(true);
      }
    } catch (IOException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }

  /** Makes a directory's entries (creations, renames, deletions), or a file's content, durable. */
  static void fsync(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** The write journal of small objects ({@link WriteJournal}). */
  Path journal() {
    return root.resolve("journal");
  }

  Path root() {
    return root;
  }

  Path objects() {
    return objects;
  }

  Path tmp() {
    return tmp;
  }

  Path quarantine() {
    return quarantine;
  }

  Path hints() {
    return root.resolve("hints");
  }

  long usableBytes() throws IOException {
    return fileStore.getUsableSpace();
  }

  long totalBytes() throws IOException {
    return fileStore.getTotalSpace();
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      lockChannel.close();
    }
  }
}
