package io.dyad.node.store;

import static io.dyad.node.store.StoreFixture.crc;
import static io.dyad.node.store.StoreFixture.id;
import static io.dyad.node.store.StoreFixture.put;
import static io.dyad.node.store.StoreFixture.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.common.ObjectMeta;
import io.dyad.common.Presence;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Removing the copies of objects the rebalancer moved to another pair: only what the new pair holds, for good. */
class DropMovedTest {
  @TempDir Path dataDir;
  private FileObjectStore store;

  private FileObjectStore open() {
    return StoreFixture.openStore(dataDir);
  }

  @AfterEach
  void stop() {
    if (store != null && store.isRunning()) {
      store.stopAsync().awaitTerminated();
    }
  }

  @Test
  void removesMatchingCopiesAndTheirHintsAndKeepsWhatDiffers() throws Exception {
    store = open();
    byte[] small = randomBytes(1, 3000);
    byte[] big = randomBytes(2, 700_000);
    ObjectMeta journaled = store.write(id("small"), ByteBuffer.wrap(small), crc(small), List.of("b1"));
    ObjectMeta large = put(store, id("large"), big, 64 * 1024);
    byte[] other = randomBytes(3, 500);
    store.write(id("other"), ByteBuffer.wrap(other), crc(other), List.of());
    store.delete(id("gone"), List.of());
    store.write(id("kept-object"), ByteBuffer.wrap(other), crc(other), List.of());

    ObjectMeta tombstoneThere = new ObjectMeta(id("other"), 0, 0, true, 1);
    ObjectMeta differentThere = new ObjectMeta(id("kept-object"), 500, crc(other) ^ 1, false, 1);
    ObjectMeta objectWhereTombstoneHere = new ObjectMeta(id("gone"), 10, 7, false, 1);
    int removed = store.dropMoved(List.of(journaled, large, tombstoneThere, differentThere, objectWhereTombstoneHere,
        new ObjectMeta(id("never-here"), 0, 0, true, 1)));

    assertThat(removed).isEqualTo(3);
    assertThat(store.presence(id("small"))).isEqualTo(Presence.ABSENT);
    assertThat(store.presence(id("large"))).isEqualTo(Presence.ABSENT);
    assertThat(store.presence(id("other"))).as("a tombstone on the new pair removes the object").isEqualTo(Presence.ABSENT);
    assertThat(store.presence(id("kept-object"))).as("another object under the id is kept").isEqualTo(Presence.PRESENT);
    assertThat(store.presence(id("gone"))).as("an object there does not remove a tombstone here")
        .isEqualTo(Presence.DELETED);
    assertThat(store.hints("b1", "", 10).ids()).as("hints of moved objects are forgotten").isEmpty();
    assertThat(store.inventory("", 100).entries()).extracting(ObjectMeta::id)
        .containsExactlyInAnyOrder(id("kept-object"), id("gone"));
  }

  @Test
  void aRemovedJournaledObjectDoesNotComeBackAfterARestart() throws Exception {
    store = open();
    byte[] small = randomBytes(4, 2000);
    ObjectMeta m = store.write(id("journaled"), ByteBuffer.wrap(small), crc(small), List.of());
    assertThat(journalBytes()).as("the object went through the journal").isPositive();

    store.dropMoved(List.of(m));
    assertThat(journalBytes()).as("the journal was checkpointed before the removal: no replay restores it").isZero();
    store.stopAsync().awaitTerminated();
    store = open();
    assertThat(store.presence(id("journaled"))).isEqualTo(Presence.ABSENT);
  }

  private long journalBytes() throws IOException {
    return StoreFixture.journalBytes(dataDir);
  }
}
