package io.dyad.node.store;

import static io.dyad.node.store.StoreFixture.id;
import static io.dyad.node.store.StoreFixture.put;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.testing.FakeTicker;
import io.dyad.common.ErrorCode;
import io.dyad.common.HintPage;
import io.dyad.common.ObjectId;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HintStoreTest {
  @TempDir Path dir;

  private FileObjectStore open() {
    FileObjectStore s = new FileObjectStore(StoreConfig.defaults(dir).withReserveBytes(0), Clock.systemUTC(), new FakeTicker());
    s.startAsync().awaitRunning();
    return s;
  }

  @Test
  void hintsWrittenWithACommitOrDeleteSurviveARestartAndPageInIdOrder() throws Exception {
    FileObjectStore store = open();
    for (int i = 0; i < 25; i++) {
      ObjectId id = id(String.format("obj-%02d", i));
      String session = store.begin(id, 1);
      store.append(session, 0, java.nio.ByteBuffer.wrap(new byte[] {1}));
      store.commit(session, 1, StoreFixture.crc(new byte[] {1}), List.of("a1"));
    }
    store.delete(id("gone"), List.of("a1", "a2"));
    store.addHint("a2", id("late"));
    store.stopAsync().awaitTerminated();

    store = open();
    HintPage first = store.hints("a1", "", 10);
    assertThat(first.ids()).hasSize(10);
    HintPage rest = store.hints("a1", first.nextCursor().orElseThrow(), 100);
    assertThat(rest.ids()).hasSize(16);
    assertThat(rest.nextCursor()).as("the last page").isEmpty();
    List<ObjectId> all = new ArrayList<>(first.ids());
    all.addAll(rest.ids());
    assertThat(all).as("every hint once").doesNotHaveDuplicates().contains(id("gone"), id("obj-00"), id("obj-24"));
    assertThat(store.hints("a2", "", 10).ids()).extracting(ObjectId::value).containsExactlyInAnyOrder("gone", "late");
    store.clearHints("a1", first.ids());
    assertThat(store.hints("a1", "", 100).ids()).containsExactlyInAnyOrderElementsOf(rest.ids());
    assertThat(store.hints("nobody", "", 100).ids()).isEmpty();
    store.stopAsync().awaitTerminated();
  }

  @Test
  void aCursorTheStoreDidNotIssueIsRefused() throws Exception {
    FileObjectStore store = open();
    store.addHint("a1", id("x"));
    for (String bad : new String[] {"garbage", "zzzz/x", "0001/..", "00/x", "0001"}) {
      FileObjectStoreTest.assertFails(ErrorCode.INVALID_ARGUMENT, () -> store.hints("a1", bad, 10));
    }
    store.stopAsync().awaitTerminated();
  }

  @Test
  void pagingThroughManyHintsReturnsEachOnceInFullPages() throws Exception {
    FileObjectStore store = open();
    List<ObjectId> ids = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      ids.add(id("h-" + i));
    }
    for (ObjectId id : ids) {
      store.addHint("b1", id);
    }
    List<ObjectId> seen = new ArrayList<>();
    String cursor = "";
    int pages = 0;
    do {
      HintPage page = store.hints("b1", cursor, 50);
      seen.addAll(page.ids());
      cursor = page.nextCursor().orElse(null);
      pages++;
    } while (cursor != null);
    assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(pages).as("12 full pages, and an empty one to learn it was the last").isBetween(12, 13);
    store.stopAsync().awaitTerminated();
  }

  @Test
  void aMemberIdThatCouldNameAPathIsRefused() throws Exception {
    FileObjectStore store = open();
    put(store, id("x"), new byte[] {1}, 10);
    for (String bad : new String[] {"../etc", "a/b", "", ".hidden"}) {
      FileObjectStoreTest.assertFails(ErrorCode.INVALID_ARGUMENT, () -> store.addHint(bad, id("x")));
    }
    store.stopAsync().awaitTerminated();
  }
}
