package io.dyad.directory.server;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.directory.api.DirectoryClient;
import io.dyad.directory.namespace.NamespaceStore;
import io.dyad.rpc.ConnectionPool;
import io.dyad.thrift.SnapshotManifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds this directory from its partner: copies a snapshot (a RocksDB checkpoint) file by file in chunks into
 * {@code <data>/incoming}, syncs it, and swaps it in for the whole store. The log after the snapshot is pulled
 * afterwards as usual. Used when the partner no longer logs what this directory lacks, or when the two went apart.
 */
final class SnapshotInstaller {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotInstaller.class);
  private static final int CHUNK = 1024 * 1024;

  private final String memberId;
  private final NamespaceStore store;
  private final Path incoming;
  private final ConnectionPool<DirectoryClient> pool;

  SnapshotInstaller(String memberId, NamespaceStore store, Path incoming, ConnectionPool<DirectoryClient> pool) {
    this.memberId = memberId;
    this.store = store;
    this.incoming = incoming;
    this.pool = pool;
  }

  void install(HostAndPort partner, long epoch) throws DyadException {
    SnapshotManifest m = pool.call(partner, ConnectionPool.Retry.SAFE, c -> c.openSnapshot(memberId, epoch));
    long bytes = m.getFiles().values().stream().mapToLong(Long::longValue).sum();
    LOG.info("[member={}] rebuilding from {}'s snapshot {}: {} files, {} bytes", memberId, partner, m.getSnapshotId(),
        m.getFiles().size(), bytes);
    Path dir = incoming.resolve(m.getSnapshotId());
    try {
      NamespaceStore.deleteTree(incoming);
      Files.createDirectories(dir);
      for (Map.Entry<String, Long> f : m.getFiles().entrySet()) {
        copy(partner, m.getSnapshotId(), f.getKey(), f.getValue(), dir);
      }
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      }
    } catch (IOException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot write the snapshot under " + incoming + ": "
          + e.getMessage(), e);
    }
    store.replaceWith(dir);
    LOG.info("[member={}] rebuilt from snapshot {}", memberId, m.getSnapshotId());
  }

  private void copy(HostAndPort partner, String id, String file, long length, Path dir) throws DyadException,
      IOException {
    if (file.contains("/") || file.contains("\\") || file.equals("..") || file.equals(".")) {
      throw new DyadException(ErrorCode.INVALID_ARGUMENT, "the partner's snapshot names a file '" + file + "'");
    }
    try (FileChannel out = FileChannel.open(dir.resolve(file), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      long offset = 0;
      while (offset < length) {
        long at = offset;
        int n = (int) Math.min(CHUNK, length - offset);
        ByteBuffer chunk = pool.call(partner, ConnectionPool.Retry.SAFE, c -> c.readSnapshot(id, file, at, n));
        if (!chunk.hasRemaining()) {
          throw new DyadException(ErrorCode.UNAVAILABLE, "snapshot file " + file + " ended at " + offset + " of "
              + length + " bytes");
        }
        while (chunk.hasRemaining()) {
          offset += out.write(chunk, offset);
        }
      }
      out.force(true);
    }
  }
}
