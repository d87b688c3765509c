package io.dyad.node.store;

import static io.dyad.node.store.StoreFixture.id;
import static io.dyad.node.store.StoreFixture.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HintStoreTest {
  @TempDir Path dir;

  private FileObjectStore open() {
    FileObjectStore s = new FileObjectStore(StoreConfig.defaults(dir).withReserveBytes(0), Clock.systemUTC(), new ManualTicker());
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
    List<ObjectId> first = store.hints("a1", Optional.empty(), 10);
    assertThat(first).hasSize(10);
    assertThat(first.get(0).value()).isEqualTo("gone");
    List<ObjectId> rest = store.hints("a1", Optional.of(first.get(9).value()), 100);
    assertThat(rest).hasSize(16);
    assertThat(store.hints("a2", Optional.empty(), 10)).extracting(ObjectId::value).containsExactly("gone", "late");
    store.clearHints("a1", first);
    assertThat(store.hints("a1", Optional.empty(), 100)).hasSize(16);
    assertThat(store.hints("nobody", Optional.empty(), 100)).isEmpty();
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
