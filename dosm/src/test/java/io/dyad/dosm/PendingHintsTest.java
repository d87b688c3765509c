package io.dyad.dosm;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.base.Ticker;
import io.dyad.common.ObjectId;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Hints a put could not record in time: tried again on every pass until a holder takes them, and given up after ten
 * minutes (a resync of the lacking member finds the object then), never kept without bound.
 */
class PendingHintsTest {
  private static final long EPOCH = 3;

  private final OnePair pair = new OnePair(EPOCH);
  private final AtomicLong nanos = new AtomicLong();
  private final PendingHints pending = new PendingHints(new Ticker() {
    @Override
    public long read() {
      return nanos.get();
    }
  });
  private final ObjectId id = ObjectId.random();

  @Test
  void aHintIsTriedAgainUntilAHolderTakesIt() {
    pair.b.down = true;
    pending.add(id, OnePair.A, List.of(OnePair.B));

    assertThat(pending.retry(pair.nodes, pair.router)).isEqualTo(1);
    assertThat(pair.b.hints).isEmpty();

    pair.b.down = false;
    assertThat(pending.retry(pair.nodes, pair.router)).isZero();
    assertThat(pair.b.hints).containsExactly(OnePair.A + ":" + id);
  }

  @Test
  void aHintNoHolderTakesForTenMinutesIsGivenUp() {
    pair.b.down = true;
    pending.add(id, OnePair.A, List.of(OnePair.B));

    nanos.addAndGet(Duration.ofMinutes(10).toNanos());
    assertThat(pending.retry(pair.nodes, pair.router)).as("not yet").isEqualTo(1);
    nanos.addAndGet(1);
    assertThat(pending.retry(pair.nodes, pair.router)).isZero();
    assertThat(pending.size()).isZero();
  }
}
