package io.dyad.directory.server;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.cache.RemovalNotification;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.directory.namespace.NamespaceStore;
import io.dyad.thrift.SnapshotManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots this directory serves to a partner that is too far behind: RocksDB checkpoints under
 * {@code <data>/snapshots}, each read in chunks by name and removed once unread for a while (or at start).
 */
final class Snapshots {
  private static final Logger LOG = LoggerFactory.getLogger(Snapshots.class);
  static final int MAX_CHUNK = 4 * 1024 * 1024;

  private final NamespaceStore store;
  private final Path root;
  private final Cache<String, SnapshotManifest> open;

  Snapshots(NamespaceStore store, Path root, Duration keepUnread) {
    this.store = store;
    this.root = root;
    this.open = CacheBuilder.newBuilder().expireAfterAccess(keepUnread).maximumSize(4)
        .removalListener((RemovalNotification<String, SnapshotManifest> n) -> delete(root.resolve(n.getKey())))
        .build();
  }

  /** Removes snapshots left by an earlier run. */
  void clear() throws IOException {
    if (Files.isDirectory(root)) {
      try (Stream<Path> old = Files.list(root)) {
        old.forEach(Snapshots::delete);
      }
    }
    Files.createDirectories(root);
  }

  SnapshotManifest open(String forMember) throws DyadException {
    open.cleanUp();
    String id = UUID.randomUUID().toString();
    Path dir = root.resolve(id);
    store.checkpoint(dir);
    Map<String, Long> files = new HashMap<>();
    try (Stream<Path> list = Files.list(dir)) {
      for (Path f : (Iterable<Path>) list::iterator) {
        files.put(f.getFileName().toString(), Files.size(f));
      }
    } catch (IOException e) {
      delete(dir);
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot list snapshot " + id + ": " + e.getMessage(), e);
    }
    SnapshotManifest m = new SnapshotManifest(id, files);
    open.put(id, m);
    LOG.info("snapshot {} for {}: {} files, {} bytes", id, forMember, files.size(),
        files.values().stream().mapToLong(Long::longValue).sum());
    return m;
  }

  ByteBuffer read(String snapshotId, String file, long offset, int maxBytes) throws DyadException {
    SnapshotManifest m = snapshotId == null ? null : open.getIfPresent(snapshotId);
    if (m == null) {
      throw DyadException.notFound("no snapshot " + snapshotId + " is open here (it expired, or the server restarted)");
    }
    Long length = m.getFiles().get(file);
    if (length == null) {
      throw DyadException.invalidArgument("snapshot " + snapshotId + " has no file '" + file + "'");
    }
    if (offset < 0 || offset > length || maxBytes < 1 || maxBytes > MAX_CHUNK) {
      throw DyadException.invalidArgument("offset must be 0-" + length + " and maxBytes 1-" + MAX_CHUNK);
    }
    int n = (int) Math.min(maxBytes, length - offset);
    ByteBuffer buf = ByteBuffer.allocate(n);
    try (FileChannel ch = FileChannel.open(root.resolve(snapshotId).resolve(file), StandardOpenOption.READ)) {
      while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) >= 0) {
        // reads until the chunk is full
      }
    } catch (IOException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot read snapshot file " + file + ": " + e.getMessage(), e);
    }
    return buf.flip();
  }

  private static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("cannot remove snapshot {}: {}", dir, e.getMessage());
    }
  }
}
