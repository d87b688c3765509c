package io.dyad.node.store;

import static io.dyad.node.store.StoreFixture.crc;
import static io.dyad.node.store.StoreFixture.id;
import static io.dyad.node.store.StoreFixture.openStore;
import static io.dyad.node.store.StoreFixture.put;
import static io.dyad.node.store.StoreFixture.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dyad.common.access.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Object bytes are read through a locator, never by another local user: a node's data directory is 0700, and every
 * file and directory the store makes in it is 0600 or 0700; a directory an older version left 0755 is made
 * owner-only when the node starts.
 */
class DataDirectoryPermissionsTest {
  @TempDir Path tmp;

  /** Every path under {@code root} whose permissions are not owner-only, with them. */
  private static List<String> notOwnerOnly(Path root) throws IOException {
    List<String> loose = new ArrayList<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        if (!perms.endsWith("------")) {
          loose.add(root.relativize(p) + " " + perms);
        }
      }
    }
    return loose;
  }

  @Test
  void aNewDataDirectoryAndEverythingTheStoreWritesInItAreOwnerOnly() throws Exception {
    Path data = tmp.resolve("srv").resolve("a1");
    FileObjectStore store = openStore(data);
    try {
      put(store, id("small"), randomBytes(1, 1000), 1000); // through the write journal
      put(store, id("big"), randomBytes(2, 3 << 20), 1 << 20); // a write session in tmp/
      byte[] hinted = randomBytes(3, 5000);
      store.write(id("hinted"), ByteBuffer.wrap(hinted), crc(hinted), List.of("b1"));
      store.delete(id("small"), List.of("b1"));
      store.begin(id("unfinished"), 100); // a session's files in tmp/
      assertThat(Files.getPosixFilePermissions(data)).isEqualTo(PrivateFiles.OWNER_ONLY_DIRECTORY);
      assertThat(notOwnerOnly(data)).isEmpty();
    } finally {
      store.stopAsync().awaitTerminated();
    }
  }

  @Test
  void aDataDirectoryAnOlderVersionLeftOpenIsMadeOwnerOnlyAtStart() throws Exception {
    Path data = tmp.resolve("a1");
    FileObjectStore first = openStore(data);
    put(first, id("old"), randomBytes(4, 2 << 20), 1 << 20);
    first.stopAsync().awaitTerminated();
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));

    Logger log = (Logger) LoggerFactory.getLogger(PrivateFiles.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    log.addAppender(lines);
    FileObjectStore again;
    try {
      again = openStore(data);
    } finally {
      log.detachAppender(lines);
    }
    try {
      assertThat(Files.getPosixFilePermissions(data)).isEqualTo(PrivateFiles.OWNER_ONLY_DIRECTORY);
      assertThat(lines.list).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
          .contains(data.toString(), "was rwxr-xr-x", "made it rwx------"));
      assertThat(StoreFixture.readAll(again, id("old"), 1 << 20)).hasSize(2 << 20);
    } finally {
      again.stopAsync().awaitTerminated();
    }
  }
}
