package io.dyad.dosm;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.testing.FakeTicker;
import io.dyad.common.ObjectId;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hints a put could not record in time: tried again on every pass until a holder takes them, and given up after ten
 * minutes (a resync of the lacking member finds the object then), never kept without bound.
 */
class PendingHintsTest {
  private static final long EPOCH = 3;

  private final OnePair pair = new OnePair(EPOCH);
  private final FakeTicker ticker = new FakeTicker();
  private final PendingHints pending = new PendingHints(ticker);
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

    ticker.advance(Duration.ofMinutes(10));
    assertThat(pending.retry(pair.nodes, pair.router)).as("not yet").isEqualTo(1);
    ticker.advance(Duration.ofNanos(1));
    assertThat(pending.retry(pair.nodes, pair.router)).isZero();
    assertThat(pending.size()).isZero();
  }
}
