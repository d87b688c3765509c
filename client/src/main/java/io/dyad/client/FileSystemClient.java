package io.dyad.client;

import com.google.common.base.Ticker;
import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.rpc.ConnectionPool;
import io.dyad.rpc.RpcConnection;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.thrift.EntryPage;
import io.dyad.thrift.FileSystem;
import io.dyad.thrift.OpenFile;
import io.dyad.thrift.Upload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Files by path: the namespace through the DDMs, the bytes through the DOSMs ({@link DyadClient}). A file is written
 * in three steps — {@code create} at a DDM (an object id and a write locator), the bytes through a DOSM, {@code commit}
 * at a DDM (which checks the object's length and CRC32C) — and read with the object and locator {@code open} gives,
 * checked against the file's CRC32C. A DDM that cannot be reached is left for the next one. Thread-safe.
 *
 * <p>Every change carries a request id made once per operation (a UUID) and sent again with each retry of it, on a new
 * connection or through another DDM, so a change whose reply was lost is answered, not applied a second time.
 */
public final class FileSystemClient implements AutoCloseable {
  private static final int PAGE = 1000;

  private final DdmOrder ddms;
  private final DyadClient objects;
  private final ConnectionPool<RpcConnection<FileSystem.Client>> pool;
  private final boolean ownsObjects;

  /**
   * @param ddms DDMs to use (at least one)
   * @param objects the object client the bytes go through (closed by the caller)
   */
  public FileSystemClient(List<HostAndPort> ddms, DyadClient objects, ThriftClientConfig thrift) {
    this(ddms, objects, thrift, false);
  }

  private FileSystemClient(List<HostAndPort> ddms, DyadClient objects, ThriftClientConfig thrift,
      boolean ownsObjects) {
    this.ownsObjects = ownsObjects;
    this.ddms = new DdmOrder(ddms, Ticker.systemTicker());
    this.objects = objects;
    this.pool = new ConnectionPool<>(t -> RpcConnection.open(t, thrift, FileSystem.Client::new), 8, thrift.requestTimeout(),
        Duration.ofSeconds(30));
  }

  /**
   * A file client that starts from the gateways of {@code config} (DOSMs) and uses the DDMs they list; closing it
   * closes its object client too.
   *
   * @throws DyadException UNAVAILABLE if no gateway answers or none lists a DDM
   */
  public static FileSystemClient connect(ClientConfig config) throws DyadException {
    DyadClient objects = DyadClient.connect(config);
    List<HostAndPort> ddms = objects.directoryGateways();
    if (ddms.isEmpty()) {
      objects.close();
      throw new DyadException(ErrorCode.UNAVAILABLE, "the gateways " + config.gateways() + " list no DDM: start one "
          + "(dyad ddm) or name one");
    }
    return new FileSystemClient(ddms, objects, config.thrift(), true);
  }

  /** The object client the bytes go through. */
  public DyadClient objects() {
    return objects;
  }

  @FunctionalInterface
  private interface Rpc<T> {
    T call(io.dyad.thrift.FileSystem.Client c) throws org.apache.thrift.TException;
  }

  /**
   * Runs a call on a DDM; if the DDM cannot be reached, the connection is lost or the DDM fails inside, again on the
   * next one (the same one, on a new connection, if there is only one). A DDM that could not be reached is tried last
   * for a few seconds. Only for reads and for changes that carry their request id: a retry may follow a try that was
   * carried out.
   */
  private <T> T call(Rpc<T> rpc) throws DyadException {
    DyadException last = null;
    for (HostAndPort ddm : ddms.plan()) {
      try {
        T answer = pool.call(ddm, ConnectionPool.Retry.SAFE, c -> c.call(rpc::call));
        ddms.answered(ddm);
        return answer;
      } catch (DyadException e) {
        boolean unreachable = e.code() == ErrorCode.UNAVAILABLE && e.getMessage().contains(ddm.toString());
        if (!unreachable && e.code() != ErrorCode.INTERNAL) {
          throw e;
        }
        if (unreachable) {
          ddms.failed(ddm);
        }
        last = e;
      }
    }
    throw last;
  }

  /** A change's request id: one per operation, the same on each of its retries. */
  private static String requestId() {
    return UUID.randomUUID().toString();
  }

  // ---- volumes ----

  public VolumeEntry createVolume(String name) throws DyadException {
    String id = requestId();
    io.dyad.thrift.VolumeInfo v = call(c -> c.createVolume(name, id));
    return new VolumeEntry(v.getName(), v.getDirectoryPair(), v.getCreatedAt());
  }

  public List<VolumeEntry> listVolumes() throws DyadException {
    List<VolumeEntry> out = new ArrayList<>();
    for (io.dyad.thrift.VolumeInfo v : call(c -> c.listVolumes())) {
      out.add(new VolumeEntry(v.getName(), v.getDirectoryPair(), v.getCreatedAt()));
    }
    return out;
  }

  /**
   * Deletes an empty volume. The volume's record goes with it, so a retry after a try whose reply was lost cannot be
   * answered by its request id: NotFound then means that try deleted it, and is taken as done.
   */
  public void deleteVolume(String name) throws DyadException {
    String id = requestId();
    AtomicInteger tries = new AtomicInteger();
    try {
      call(c -> {
        tries.incrementAndGet();
        c.deleteVolume(name, id);
        return null;
      });
    } catch (DyadException e) {
      // only a try that lost its connection is tried again: one that was sent before this one may have deleted it
      if (e.code() != ErrorCode.NOT_FOUND || tries.get() < 2) {
        throw e;
      }
    }
  }

  // ---- directories ----

  public FileEntry mkdir(String volume, String path, boolean parents) throws DyadException {
    String id = requestId();
    return FileEntry.of(call(c -> c.mkdir(volume, path, parents, id)));
  }

  public FileEntry stat(String volume, String path) throws DyadException {
    return FileEntry.of(call(c -> c.stat(volume, path)));
  }

  /** Hands every entry of a directory to {@code each}, in name order, a page at a time (constant memory). */
  public void list(String volume, String path, Consumer<FileEntry> each) throws DyadException {
    Optional<String> after = Optional.of("");
    while (after.isPresent()) {
      ListPage page = listPage(volume, path, after.get(), PAGE);
      page.entries().forEach(each);
      after = page.nextAfter();
    }
  }

  /** One page of a directory: what comes after {@code afterName} ("" first) and where the next page starts. */
  public record ListPage(List<FileEntry> entries, Optional<String> nextAfter) {}

  /** Up to {@code limit} (1–10000) entries of a directory in name order after {@code afterName} ("" first). */
  public ListPage listPage(String volume, String path, String afterName, int limit) throws DyadException {
    EntryPage page = call(c -> c.listDirectory(volume, path, afterName, limit));
    return new ListPage(page.getEntries().stream().map(FileEntry::of).toList(),
        page.isSetNextAfter() ? Optional.of(page.getNextAfter()) : Optional.empty());
  }

  /**
   * Every entry of a directory in name order, fetched a page at a time as the iteration goes (constant memory). A
   * failure while iterating is an {@link UncheckedDyadException}.
   */
  public Iterable<FileEntry> entries(String volume, String path) {
    return () -> new Iterator<>() {
      private Iterator<FileEntry> page = Collections.emptyIterator();
      private Optional<String> after = Optional.of("");

      @Override
      public boolean hasNext() {
        while (!page.hasNext() && after.isPresent()) {
          try {
            ListPage next = listPage(volume, path, after.get(), PAGE);
            page = next.entries().iterator();
            after = next.nextAfter();
          } catch (DyadException e) {
            throw new UncheckedDyadException(e);
          }
        }
        return page.hasNext();
      }

      @Override
      public FileEntry next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return page.next();
      }
    };
  }

  public FileEntry rename(String volume, String source, String target) throws DyadException {
    String id = requestId();
    return FileEntry.of(call(c -> c.rename(volume, source, target, id)));
  }

  /** Deletes a file, an empty directory, or ({@code recursive}) a directory and everything under it. */
  public void delete(String volume, String path, boolean recursive) throws DyadException {
    String id = requestId();
    call(c -> {
      c.remove(volume, path, recursive, id);
      return null;
    });
  }

  // ---- files ----

  /** Writes {@code source} as the file at {@code path} (a new file or a new version). */
  public FileEntry put(String volume, String path, DyadClient.Source source, long sizeHint) throws DyadException,
      IOException {
    String createId = requestId();
    Upload upload = call(c -> c.create(volume, path, createId));
    String commitId = requestId();
    if (sizeHint == 0 && isEmpty(source)) {
      // an empty file has no object: the DDM binds it with length 0 without asking a DOSM
      return FileEntry.of(call(c -> c.commit(volume, path, upload.getUploadId(), upload.getObjectId(), 0, 0,
          commitId)));
    }
    ObjectMeta meta = objects.put(Optional.of(ObjectId.of(upload.getObjectId())), source, sizeHint,
        upload.getWriteLocator());
    return FileEntry.of(call(c -> c.commit(volume, path, upload.getUploadId(), upload.getObjectId(), meta.length(),
        meta.crc32c(), commitId)));
  }

  /** Writes the local file {@code file} as the file at {@code path}; a failed attempt is repeated from the start. */
  public FileEntry write(String volume, String path, Path file) throws DyadException, IOException {
    return put(volume, path, () -> Files.newInputStream(file), Files.size(file));
  }

  /**
   * Writes everything {@code in} holds as the file at {@code path}, in bounded memory. A stream can be read only
   * once, so a gateway failure midway fails the write (UNAVAILABLE) instead of repeating it; nothing is bound to
   * the path then.
   *
   * @param sizeHint the length if known, else -1
   */
  public FileEntry write(String volume, String path, InputStream in, long sizeHint) throws DyadException,
      IOException {
    return put(volume, path, DyadClient.Source.once(in, volume + ":" + path), sizeHint);
  }

  private static boolean isEmpty(DyadClient.Source source) throws IOException {
    try (InputStream in = source.open()) {
      return in.read() < 0;
    }
  }

  /**
   * The file at {@code path} as a stream, from {@code offset} for {@code length} bytes (-1: to the end), read ahead in
   * chunks; a stream of the whole file checks its CRC32C before it reports the end. Failures while reading are
   * {@link DyadIOException}s; a gateway that fails midway is replaced, resuming at the offset reached. Close it.
   */
  public InputStream open(String volume, String path, long offset, long length) throws DyadException {
    return openFile(volume, path, offset, length).in();
  }

  private record Opened(FileEntry file, InputStream in) {}

  private Opened openFile(String volume, String path, long offset, long length) throws DyadException {
    OpenFile open = call(c -> c.open(volume, path));
    FileEntry file = FileEntry.of(open.getFile());
    if (offset < 0 || offset > file.length()) {
      throw DyadException.invalidArgument(volume + ":" + path + " holds " + file.length() + " bytes: cannot read from "
          + offset);
    }
    if (file.length() == 0) {
      return new Opened(file, InputStream.nullInputStream()); // an empty file may have no object at all
    }
    ObjectStream in = objects.openStream(ObjectId.of(file.objectId().orElseThrow()), offset, length,
        open.getReadLocator());
    ObjectMeta meta = in.meta();
    if (meta.length() != file.length() || meta.crc32c() != file.crc32c()) {
      in.close();
      throw new DyadException(ErrorCode.CHECKSUM_MISMATCH, "file " + volume + ":" + path + " is recorded as "
          + file.length() + " bytes with CRC32C " + Integer.toUnsignedString(file.crc32c(), 16) + " but its object "
          + "holds " + meta.length() + " bytes with CRC32C " + Integer.toUnsignedString(meta.crc32c(), 16));
    }
    return new Opened(file, in);
  }

  /** Streams the file at {@code path} into {@code out}, checked against the file's CRC32C; returns its entry. */
  public FileEntry get(String volume, String path, OutputStream out) throws DyadException, IOException {
    Opened opened = openFile(volume, path, 0, -1);
    try (InputStream in = opened.in()) {
      in.transferTo(out);
    } catch (DyadIOException e) {
      throw e.dyad();
    }
    return opened.file();
  }

  @Override
  public void close() {
    pool.close();
    if (ownsObjects) {
      objects.close();
    }
  }
}
