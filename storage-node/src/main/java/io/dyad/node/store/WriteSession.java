package io.dyad.node.store;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * One object being written: content goes to {@code tmp/<session>.data} while its CRC32C and block checksums
 * are computed; {@link #seal} appends the block table and trailer (and fsyncs). The file becomes an object
 * only when the store renames it into place. Methods are synchronized: a session may be touched by a
 * client's thread and by the expiry sweep at once.
 */
final class WriteSession {
  private final String sessionId;
  private final ObjectId objectId;
  private final Path dataFile;
  private final Path tableFile;
  private final FileChannel data;
  private final FileChannel table;
  private final BlockChecksums blocks;
  private final CRC32C contentCrc = new CRC32C();
  private long length;
  private volatile long lastTouchedNanos;
  private boolean ended;

  private WriteSession(String sessionId, ObjectId objectId, Path dataFile, Path tableFile,
      FileChannel data, FileChannel table, long nowNanos) {
    this.sessionId = sessionId;
    this.objectId = objectId;
    this.dataFile = dataFile;
    this.tableFile = tableFile;
    this.data = data;
    this.table = table;
    this.blocks = new BlockChecksums(table);
    this.lastTouchedNanos = nowNanos;
  }

  static WriteSession create(String sessionId, ObjectId objectId, Path tmpDir, long nowNanos) throws IOException {
    Path dataFile = tmpDir.resolve(sessionId + ".data");
    Path tableFile = tmpDir.resolve(sessionId + ".blocks");
    FileChannel data = OwnerOnly.open(dataFile, CREATE_NEW, WRITE, READ);
    try {
      FileChannel table = OwnerOnly.open(tableFile, CREATE_NEW, WRITE, READ);
      return new WriteSession(sessionId, objectId, dataFile, tableFile, data, table, nowNanos);
    } catch (IOException e) {
      data.close();
      Files.deleteIfExists(dataFile);
      throw e;
    }
  }

  String sessionId() {
    return sessionId;
  }

  ObjectId objectId() {
    return objectId;
  }

  long lastTouchedNanos() {
    return lastTouchedNanos;
  }

  synchronized long length() {
    return length;
  }

  /** Appends a chunk that must start where the previous one ended. */
  synchronized void append(long offset, ByteBuffer chunk, long nowNanos) throws DyadException {
    ensureOpen();
    if (offset != length) {
      throw DyadException.invalidArgument("append at offset " + offset + " but write session " + sessionId
          + " holds " + length + " bytes; chunks must be sent in order, each once");
    }
    lastTouchedNanos = nowNanos;
    try {
      contentCrc.update(chunk.duplicate());
      blocks.update(chunk);
      ByteBuffer rest = chunk.duplicate();
      while (rest.hasRemaining()) {
        data.write(rest);
      }
    } catch (IOException e) {
      throw IoErrors.translate(e, "writing object " + objectId);
    }
    length += chunk.remaining();
  }

  /**
   * Checks the client's length and checksum and completes the file. The session is ended either way; on failure
   * its files are removed.
   *
   * @param sync fsync the file (false: the caller makes the object durable another way, see {@link GroupCommit})
   * @return the path of the sealed temporary file and its trailer
   */
  synchronized Sealed seal(long expectedLength, int expectedCrc, long writtenAtMillis, boolean sync)
      throws DyadException {
    ensureOpen();
    ended = true;
    boolean sealed = false;
    try {
      if (expectedLength != length) {
        throw DyadException.invalidArgument("commit of object " + objectId + " says " + expectedLength
            + " bytes but " + length + " bytes were appended");
      }
      int actualCrc = (int) contentCrc.getValue();
      if (actualCrc != expectedCrc) {
        throw checksumMismatch(objectId, length, actualCrc, expectedCrc);
      }
      ObjectFileFormat.Trailer trailer;
      try {
        int tableCrc = blocks.finish();
        long copied = 0;
        long tableBytes = blocks.tableBytes();
        while (copied < tableBytes) {
          copied += table.transferTo(copied, tableBytes - copied, data);
        }
        trailer = new ObjectFileFormat.Trailer(false, length, actualCrc, writtenAtMillis, tableCrc);
        ByteBuffer t = trailer.encode();
        while (t.hasRemaining()) {
          data.write(t);
        }
        if (sync) {
          data.force(true);
        }
      } catch (IOException e) {
        throw IoErrors.translate(e, "committing object " + objectId);
      }
      sealed = true;
      return new Sealed(dataFile, trailer);
    } finally {
      closeQuietly();
      deleteQuietly(tableFile);
      if (!sealed) {
        deleteQuietly(dataFile);
      }
    }
  }

  /** The bytes of an object do not have the CRC32C its writer sent. */
  static DyadException checksumMismatch(ObjectId id, long length, int actual, int expected) {
    return new DyadException(ErrorCode.CHECKSUM_MISMATCH, String.format(
        "object %s: the %d bytes received have CRC32C %08x but the client sent %08x", id, length, actual, expected));
  }

  /** Ends the session and removes its files. Harmless if already ended. */
  synchronized void abort() {
    if (ended) {
      return;
    }
    ended = true;
    closeQuietly();
    deleteQuietly(dataFile);
    deleteQuietly(tableFile);
  }

  private void ensureOpen() throws DyadException {
    if (ended) {
      throw DyadException.notFound("write session " + sessionId + " has ended (committed, aborted or expired)");
    }
  }

  private void closeQuietly() {
    try {
      data.close();
    } catch (IOException ignored) {
      // the files are removed or already durable; nothing else to do
    }
    try {
      table.close();
    } catch (IOException ignored) {
      // as above
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // tmp/ is emptied at every start anyway
    }
  }

  /** A complete temporary object file (fsynced if the seal was asked to). */
  record Sealed(Path file, ObjectFileFormat.Trailer trailer) {}
}
