package io.dyad.node.store;

import static io.dyad.node.store.StoreFixture.id;
import static io.dyad.node.store.StoreFixture.put;
import static io.dyad.node.store.StoreFixture.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.testing.FakeTicker;
import io.dyad.common.ErrorCode;
import io.dyad.common.InventoryPage;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryTest {
  @TempDir Path dirA;
  @TempDir Path dirB;

  private static FileObjectStore open(Path dir) {
    FileObjectStore s = new FileObjectStore(StoreConfig.defaults(dir).withReserveBytes(0), Clock.systemUTC(),
        new FakeTicker());
    s.startAsync().awaitRunning();
    return s;
  }

  private static List<ObjectMeta> listAll(ObjectStore store, int pageSize) throws Exception {
    List<ObjectMeta> all = new ArrayList<>();
    String cursor = "";
    while (true) {
      InventoryPage page = store.inventory(cursor, pageSize);
      assertThat(page.entries().size()).isLessThanOrEqualTo(pageSize);
      all.addAll(page.entries());
      if (page.nextCursor().isEmpty()) {
        return all;
      }
      cursor = page.nextCursor().get();
    }
  }

  @Test
  void pagesCoverEveryObjectAndTombstoneOnceInTheSameOrderOnEveryMember() throws Exception {
    FileObjectStore a = open(dirA);
    FileObjectStore b = open(dirB);
    try {
      Set<ObjectId> objects = new HashSet<>();
      Set<ObjectId> tombstones = new HashSet<>();
      for (int i = 0; i < 250; i++) {
        ObjectId id = id("obj-" + i);
        byte[] content = randomBytes(i, i * 10);
        // written in different orders on the two members
        put(a, id, content, 4096);
        objects.add(id);
      }
      for (int i = 249; i >= 0; i--) {
        put(b, id("obj-" + i), randomBytes(i, i * 10), 4096);
      }
      for (int i = 0; i < 250; i += 10) {
        a.delete(id("obj-" + i));
        b.delete(id("obj-" + i));
        tombstones.add(id("obj-" + i));
      }
      List<ObjectMeta> listedA = listAll(a, 7);
      List<ObjectMeta> listedB = listAll(b, 1000);
      assertThat(listedA).hasSize(250);
      assertThat(listedA.stream().map(ObjectMeta::id).collect(Collectors.toSet())).isEqualTo(objects);
      assertThat(listedA.stream().filter(ObjectMeta::tombstone).map(ObjectMeta::id).collect(Collectors.toSet()))
          .isEqualTo(tombstones);
      assertThat(listedA.stream().map(ObjectMeta::id).toList())
          .isEqualTo(listedB.stream().map(ObjectMeta::id).toList());
      for (ObjectMeta m : listedA) {
        if (!m.tombstone()) {
          assertThat(m.crc32c()).isEqualTo(StoreFixture.crc(randomBytes(Integer.parseInt(m.id().value().substring(4)),
              (int) m.length())));
        }
      }
    } finally {
      a.stopAsync().awaitTerminated();
      b.stopAsync().awaitTerminated();
    }
  }

  @Test
  void anEmptyStoreHasOneEmptyLastPage() throws Exception {
    FileObjectStore a = open(dirA);
    try {
      InventoryPage page = a.inventory("", 10);
      assertThat(page.entries()).isEmpty();
      assertThat(page.nextCursor()).isEmpty();
    } finally {
      a.stopAsync().awaitTerminated();
    }
  }

  @Test
  void forgedCursorsAndBadPageSizesAreRefused() {
    FileObjectStore a = open(dirA);
    try {
      for (String cursor : new String[] {"junk", "zzzz/abc", "0001/../x", "12345/a", "0001/"}) {
        FileObjectStoreTest.assertFails(ErrorCode.INVALID_ARGUMENT, () -> a.inventory(cursor, 10));
      }
      FileObjectStoreTest.assertFails(ErrorCode.INVALID_ARGUMENT, () -> a.inventory("", 0));
      FileObjectStoreTest.assertFails(ErrorCode.INVALID_ARGUMENT, () -> a.inventory("", 10_001));
    } finally {
      a.stopAsync().awaitTerminated();
    }
  }
}
