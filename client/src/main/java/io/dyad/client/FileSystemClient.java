package io.dyad.client;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.rpc.ConnectionPool;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.thrift.EntryPage;
import io.dyad.thrift.OpenFile;
import io.dyad.thrift.Upload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Files by path: the namespace through the DDMs, the bytes through the DOSMs ({@link DyadClient}). A file is written
 * in three steps — {@code create} at a DDM (an object id and a write locator), the bytes through a DOSM, {@code commit}
 * at a DDM (which checks the object's length and CRC32C) — and read with the object and locator {@code open} gives,
 * checked against the file's CRC32C. A DDM that cannot be reached is left for the next one. Thread-safe.
 */
public final class FileSystemClient implements AutoCloseable {
  private static final int PAGE = 1000;

  private final List<HostAndPort> ddms;
  private final DyadClient objects;
  private final ConnectionPool<DdmConnection> pool;
  private final AtomicInteger next = new AtomicInteger();

  /**
   * @param ddms DDMs to use (at least one)
   * @param objects the object client the bytes go through (closed by the caller)
   */
  public FileSystemClient(List<HostAndPort> ddms, DyadClient objects, ThriftClientConfig thrift) {
    if (ddms.isEmpty()) {
      throw new IllegalArgumentException("no DDM to use");
    }
    this.ddms = List.copyOf(ddms);
    this.objects = objects;
    this.pool = new ConnectionPool<>(t -> DdmConnection.open(t, thrift), 8, thrift.requestTimeout(),
        Duration.ofSeconds(30));
  }

  @FunctionalInterface
  private interface Rpc<T> {
    T call(io.dyad.thrift.FileSystem.Client c) throws org.apache.thrift.TException;
  }

  /** Runs a call on a DDM; if the DDM cannot be reached (or fails inside), on the next one. */
  private <T> T call(Rpc<T> rpc) throws DyadException {
    int start = next.getAndIncrement();
    DyadException last = null;
    for (int i = 0; i < ddms.size(); i++) {
      HostAndPort ddm = ddms.get(Math.floorMod(start + i, ddms.size()));
      try {
        return pool.call(ddm, ConnectionPool.Retry.NEVER, c -> c.call(rpc::call));
      } catch (DyadException e) {
        boolean otherDdmMayHelp = e.code() == ErrorCode.INTERNAL
            || (e.code() == ErrorCode.UNAVAILABLE && e.getMessage().contains(ddm.toString()));
        if (!otherDdmMayHelp) {
          throw e;
        }
        last = e;
      }
    }
    throw last;
  }

  // ---- volumes ----

  public VolumeEntry createVolume(String name) throws DyadException {
    io.dyad.thrift.VolumeInfo v = call(c -> c.createVolume(name));
    return new VolumeEntry(v.getName(), v.getDirectoryPair(), v.getCreatedAt());
  }

  public List<VolumeEntry> listVolumes() throws DyadException {
    List<VolumeEntry> out = new ArrayList<>();
    for (io.dyad.thrift.VolumeInfo v : call(c -> c.listVolumes())) {
      out.add(new VolumeEntry(v.getName(), v.getDirectoryPair(), v.getCreatedAt()));
    }
    return out;
  }

  public void deleteVolume(String name) throws DyadException {
    call(c -> {
      c.deleteVolume(name);
      return null;
    });
  }

  // ---- directories ----

  public FileEntry mkdir(String volume, String path, boolean parents) throws DyadException {
    return FileEntry.of(call(c -> c.mkdir(volume, path, parents)));
  }

  public FileEntry stat(String volume, String path) throws DyadException {
    return FileEntry.of(call(c -> c.stat(volume, path)));
  }

  /** Hands every entry of a directory to {@code each}, in name order, a page at a time (constant memory). */
  public void list(String volume, String path, Consumer<FileEntry> each) throws DyadException {
    String after = "";
    while (true) {
      String from = after;
      EntryPage page = call(c -> c.listDirectory(volume, path, from, PAGE));
      page.getEntries().forEach(i -> each.accept(FileEntry.of(i)));
      if (!page.isSetNextAfter()) {
        return;
      }
      after = page.getNextAfter();
    }
  }

  public FileEntry rename(String volume, String source, String target) throws DyadException {
    return FileEntry.of(call(c -> c.rename(volume, source, target)));
  }

  public void remove(String volume, String path, boolean recursive) throws DyadException {
    call(c -> {
      c.remove(volume, path, recursive);
      return null;
    });
  }

  // ---- files ----

  /** Writes {@code source} as the file at {@code path} (a new file or a new version). */
  public FileEntry put(String volume, String path, DyadClient.Source source, long sizeHint) throws DyadException,
      IOException {
    Upload upload = call(c -> c.create(volume, path));
    if (sizeHint == 0 && isEmpty(source)) {
      // an empty file has no object: the DDM binds it with length 0 without asking a DOSM
      return FileEntry.of(call(c -> c.commit(volume, path, upload.getUploadId(), upload.getObjectId(), 0, 0)));
    }
    ObjectMeta meta = objects.put(Optional.of(ObjectId.of(upload.getObjectId())), source, sizeHint,
        upload.getWriteLocator());
    return FileEntry.of(call(c -> c.commit(volume, path, upload.getUploadId(), upload.getObjectId(), meta.length(),
        meta.crc32c())));
  }

  private static boolean isEmpty(DyadClient.Source source) throws IOException {
    try (InputStream in = source.open()) {
      return in.read() < 0;
    }
  }

  /** Streams the file at {@code path} into {@code out}, checked against the file's CRC32C; returns its entry. */
  public FileEntry get(String volume, String path, OutputStream out) throws DyadException, IOException {
    OpenFile open = call(c -> c.open(volume, path));
    FileEntry file = FileEntry.of(open.getFile());
    if (file.length() == 0) {
      return file; // an empty file may have no object at all
    }
    ObjectMeta meta = objects.get(ObjectId.of(file.objectId().orElseThrow()), out, open.getReadLocator());
    if (meta.length() != file.length() || meta.crc32c() != file.crc32c()) {
      throw new DyadException(ErrorCode.CHECKSUM_MISMATCH, "file " + volume + ":" + path + " is recorded as "
          + file.length() + " bytes with CRC32C " + Integer.toUnsignedString(file.crc32c(), 16) + " but its object "
          + "holds " + meta.length() + " bytes with CRC32C " + Integer.toUnsignedString(meta.crc32c(), 16));
    }
    return file;
  }

  @Override
  public void close() {
    pool.close();
  }
}
