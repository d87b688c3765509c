package io.dyad.node.store;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import com.google.common.base.Ticker;
import io.dyad.common.ObjectId;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for small objects. A small object's complete file image is appended to the current journal
 * segment and the segment is fsynced; concurrent writers share that fsync (whoever syncs takes everything written
 * so far with it). Only then is the object installed — written and renamed into place without an fsync of its own
 * — and acknowledged. So one fsync per group replaces two or more per object.
 *
 * <p>A {@link #checkpoint} (once a segment is some seconds old) starts a new segment, makes the files installed from the old one
 * durable (their fsyncs in parallel, off every writer's path) and deletes it. After a crash, the segments still
 * there are replayed ({@link #replay}) before the node serves: every record's object is checked and, if missing
 * or damaged, installed again from its image. A torn record at a segment's end was never acknowledged and is
 * ignored.
 *
 * <p>Record: magic "DYJ1", body length, CRC32C of the body; body: id length (2 bytes), id (ASCII), file image. The
 * zeros after the last record (preallocated space) end a replay like a torn record does.
 */
final class WriteJournal implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(WriteJournal.class);
  private static final int MAGIC = 0x44594a31;
  private static final int HEADER_BYTES = 12;
  private static final String SUFFIX = ".journal";

  /** A record read back by {@link #replay}. */
  record Entry(ObjectId id, ByteBuffer image) {}

  /** Makes a checkpointed segment's installed files durable (in parallel, by the store). */
  @FunctionalInterface
  interface Syncer {
    void sync(List<Path> installed) throws IOException;
  }

  @FunctionalInterface
  interface EntryConsumer {
    void accept(Entry e) throws IOException;
  }

  private final Path dir;
  private final Ticker ticker;
  private final Object appendLock = new Object();
  private Segment current; // guarded by appendLock
  private long nextSequence; // guarded by appendLock
  private boolean closed; // guarded by appendLock

  private WriteJournal(Path dir, Ticker ticker, long nextSequence) {
    this.dir = dir;
    this.ticker = ticker;
    this.nextSequence = nextSequence;
  }

  /** Opens the journal in {@code dir}; segments left by an earlier run stay until {@link #replay} is done with them. */
  static WriteJournal open(Path dir) throws IOException {
    return open(dir, Ticker.systemTicker());
  }

  /** As {@link #open(Path)}, with the time segments age by (see {@link #due}). */
  static WriteJournal open(Path dir, Ticker ticker) throws IOException {
    OwnerOnly.createDirectories(dir);
    DataDirectory.fsync(dir.getParent());
    long next = 0;
    for (Path p : segments(dir)) {
      next = Math.max(next, sequenceOf(p) + 1);
    }
    WriteJournal j = new WriteJournal(dir, ticker, next);
    synchronized (j.appendLock) {
      j.current = j.newSegment();
    }
    return j;
  }

  /**
   * Hands every complete record of the segments an earlier run left to {@code consumer}, oldest first, then deletes
   * those segments. The consumer must make each entry's object durable before returning.
   */
  void replay(EntryConsumer consumer) throws IOException {
    Path active;
    synchronized (appendLock) {
      active = current.path;
    }
    int records = 0;
    List<Path> old = new ArrayList<>(segments(dir));
    old.remove(active);
    for (Path segment : old) {
      records += replaySegment(segment, consumer);
    }
    for (Path segment : old) {
      Files.deleteIfExists(segment);
    }
    if (!old.isEmpty()) {
      DataDirectory.fsync(dir);
      LOG.info("journal replayed: {} records from {} segments", records, old.size());
    }
  }

  private static int replaySegment(Path segment, EntryConsumer consumer) throws IOException {
    int records = 0;
    try (FileChannel ch = FileChannel.open(segment, READ)) {
      long size = ch.size();
      long position = 0;
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
      while (position + HEADER_BYTES <= size) {
        header.clear();
        readFully(ch, header, position);
        header.flip();
        int magic = header.getInt();
        int bodyLength = header.getInt();
        int crc = header.getInt();
        if (magic != MAGIC || bodyLength < 2 || position + HEADER_BYTES + bodyLength > size) {
          break; // a torn tail: never acknowledged
        }
        ByteBuffer body = ByteBuffer.allocate(bodyLength);
        readFully(ch, body, position + HEADER_BYTES);
        body.flip();
        CRC32C check = new CRC32C();
        check.update(body.duplicate());
        if ((int) check.getValue() != crc) {
          break;
        }
        byte[] id = new byte[body.getShort() & 0xffff];
        body.get(id);
        consumer.accept(new Entry(idOf(id, segment), body.slice()));
        position += HEADER_BYTES + bodyLength;
        records++;
      }
      if (position < size) {
        LOG.debug("journal segment {}: {} bytes after the last complete record (preallocated, or never acknowledged)",
            segment.getFileName(), size - position);
      }
    }
    return records;
  }

  /**
   * Appends an object's file image and returns once it is on stable storage. The caller must then install the object
   * and report it through the returned {@link Pending} (also when installing fails).
   */
  Pending append(ObjectId id, ByteBuffer image) throws IOException {
    ByteBuffer record = encode(id, image);
    Segment segment;
    long end;
    synchronized (appendLock) {
      if (closed) {
        throw new IOException("the write journal is closed");
      }
      segment = current;
      end = segment.write(record);
    }
    try {
      segment.syncTo(end);
    } catch (IOException e) {
      segment.installed(null);
      throw e;
    }
    return new Pending(segment);
  }

  /** A record on stable storage whose object is being installed. */
  static final class Pending {
    private final Segment segment;
    private boolean reported;

    private Pending(Segment segment) {
      this.segment = segment;
    }

    /** The object is in place at {@code target} (null: it could not be installed). */
    void installed(Path target) {
      if (!reported) {
        reported = true;
        segment.installed(target);
      }
    }
  }

  /** Whether the current segment is older than {@code age} or larger than {@code bytes} (time to checkpoint). */
  boolean due(long ageNanos, long bytes) {
    synchronized (appendLock) {
      Segment c = current;
      return c.written > 0 && (ticker.read() - c.createdNanos >= ageNanos || c.written >= bytes);
    }
  }

  /**
   * Starts a new segment, waits until every object of the old one is installed, has {@code syncer} make them
   * durable, and deletes the old segment. Nothing to do if the current segment is empty.
   */
  void checkpoint(Syncer syncer) throws IOException {
    Segment old;
    synchronized (appendLock) {
      if (closed || current.written == 0) {
        return;
      }
      old = current;
      current = newSegment();
    }
    List<Path> installed = old.awaitInstalls();
    syncer.sync(installed);
    old.close();
    Files.deleteIfExists(old.path);
    DataDirectory.fsync(dir);
  }

  /** Checkpoints what is there and closes; later appends fail. */
  @Override
  public void close() throws IOException {
    close(null);
  }

  void close(Syncer syncer) throws IOException {
    if (syncer != null) {
      checkpoint(syncer);
    }
    Segment last;
    synchronized (appendLock) {
      closed = true;
      last = current;
    }
    last.close();
    if (last.written == 0) {
      Files.deleteIfExists(last.path);
    }
  }

  private Segment newSegment() throws IOException {
    Path path = dir.resolve(String.format("%016x%s", nextSequence++, SUFFIX));
    FileChannel ch = OwnerOnly.open(path, CREATE_NEW, WRITE, READ);
    DataDirectory.fsync(dir);
    return new Segment(path, ch, ticker.read());
  }

  private static ByteBuffer encode(ObjectId id, ByteBuffer image) {
    byte[] idBytes = id.value().getBytes(StandardCharsets.US_ASCII);
    int bodyLength = 2 + idBytes.length + image.remaining();
    ByteBuffer record = ByteBuffer.allocate(HEADER_BYTES + bodyLength);
    record.position(HEADER_BYTES);
    record.putShort((short) idBytes.length).put(idBytes).put(image.duplicate());
    CRC32C crc = new CRC32C();
    crc.update(record.duplicate().flip().position(HEADER_BYTES));
    record.putInt(0, MAGIC).putInt(4, bodyLength).putInt(8, (int) crc.getValue());
    return record.flip();
  }

  private static ObjectId idOf(byte[] id, Path segment) throws IOException {
    try {
      return ObjectId.of(new String(id, StandardCharsets.US_ASCII));
    } catch (io.dyad.common.DyadException e) {
      throw new IOException("journal segment " + segment + " holds a record with an invalid id", e);
    }
  }

  private static List<Path> segments(Path dir) throws IOException {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      s.forEach(found::add);
    }
    found.sort(null); // fixed-width hex sequence numbers sort in order
    return found;
  }

  private static long sequenceOf(Path segment) {
    String name = segment.getFileName().toString();
    try {
      return Long.parseUnsignedLong(name.substring(0, name.length() - SUFFIX.length()), 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer into, long position) throws IOException {
    long at = position;
    while (into.hasRemaining()) {
      int n = ch.read(into, at);
      if (n < 0) {
        throw new IOException("unexpected end of journal segment");
      }
      at += n;
    }
  }

  /**
   * One journal file: appended under the journal's lock, synced by whichever writer gets there first. Its space is
   * zero-filled ahead of the records (PREALLOCATE bytes at a time, made durable once), so that a writer's fsync
   * carries only data: no change of size or allocation that the file system would have to journal first.
   */
  private static final class Segment {
    private static final int PREALLOCATE = 4 << 20;
    final Path path;
    final FileChannel channel;
    final long createdNanos;
    private final Object syncLock = new Object();
    private long allocated; // guarded by the journal's append lock
    private final List<Path> installed = new ArrayList<>(); // guarded by this
    private int inFlight; // guarded by this
    volatile long written; // advanced under the journal's append lock
    private volatile long synced;

    Segment(Path path, FileChannel channel, long createdNanos) {
      this.path = path;
      this.channel = channel;
      this.createdNanos = createdNanos;
    }

    /** Caller holds the journal's append lock. Returns the end of the record. */
    long write(ByteBuffer record) throws IOException {
      long at = written;
      if (at + record.remaining() > allocated) {
        preallocate(at + record.remaining());
      }
      while (record.hasRemaining()) {
        at += channel.write(record, at);
      }
      synchronized (this) {
        inFlight++;
      }
      written = at;
      return at;
    }

    private void preallocate(long atLeast) throws IOException {
      long end = Math.max(atLeast, allocated + PREALLOCATE);
      ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
      for (long at = allocated; at < end; ) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), end - at));
        at += channel.write(zeros, at);
      }
      channel.force(true);
      allocated = end;
    }

    /** Returns once everything up to {@code end} is on stable storage; one fsync serves every writer waiting. */
    void syncTo(long end) throws IOException {
      if (synced >= end) {
        return;
      }
      synchronized (syncLock) {
        if (synced >= end) {
          return;
        }
        long upTo = written; // everything written before the fsync starts is covered by it
        channel.force(false);
        synced = upTo;
      }
    }

    synchronized void installed(Path target) {
      if (target != null) {
        installed.add(target);
      }
      inFlight--;
      notifyAll();
    }

    synchronized List<Path> awaitInstalls() throws IOException {
      boolean interrupted = false;
      while (inFlight > 0) {
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return List.copyOf(installed);
    }

    void close() throws IOException {
      channel.close();
    }
  }
}
