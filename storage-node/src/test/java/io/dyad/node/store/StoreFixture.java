package io.dyad.node.store;

import com.google.common.testing.FakeTicker;
import io.dyad.common.DyadException;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/** Small helpers for tests that drive an {@link ObjectStore} directly. */
final class StoreFixture {
  private StoreFixture() {}

  static byte[] randomBytes(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static int crc(byte[] b) {
    CRC32C c = new CRC32C();
    c.update(b);
    return (int) c.getValue();
  }

  static ObjectId id(String s) {
    try {
      return ObjectId.of(s);
    } catch (DyadException e) {
      throw new AssertionError(e);
    }
  }

  /** A running store in {@code dataDir} with no reserve, 1 MiB chunks and a manual ticker. */
  static FileObjectStore openStore(Path dataDir) {
    FileObjectStore s = new FileObjectStore(StoreConfig.defaults(dataDir).withReserveBytes(0)
        .withMaxChunkBytes(1024 * 1024).withSessionIdleTimeout(Duration.ofMinutes(1)), Clock.systemUTC(),
        new FakeTicker());
    s.startAsync().awaitRunning();
    return s;
  }

  /** The bytes in the store's write journal. */
  static long journalBytes(Path dataDir) throws IOException {
    try (Stream<Path> s = Files.list(dataDir.resolve("journal"))) {
      long total = 0;
      for (Path p : (Iterable<Path>) s::iterator) {
        total += Files.size(p);
      }
      return total;
    }
  }

  /** Writes {@code content} in chunks of {@code chunk} bytes and commits it. */
  static ObjectMeta put(ObjectStore store, ObjectId id, byte[] content, int chunk) throws DyadException {
    String session = store.begin(id, content.length);
    for (int off = 0; off < content.length; off += chunk) {
      store.append(session, off, ByteBuffer.wrap(content, off, Math.min(chunk, content.length - off)));
    }
    return store.commit(session, content.length, crc(content));
  }

  /** Reads a whole object in chunks of {@code chunk} bytes. */
  static byte[] readAll(ObjectStore store, ObjectId id, int chunk) throws DyadException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long length = store.stat(id).length();
    for (long off = 0; off < length; ) {
      ByteBuffer b = store.read(id, off, chunk);
      byte[] part = new byte[b.remaining()];
      b.get(part);
      out.write(part, 0, part.length);
      off += part.length;
      if (part.length == 0) {
        throw new AssertionError("empty read before the end");
      }
    }
    return out.toByteArray();
  }
}
