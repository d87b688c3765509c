package io.dyad.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadAheadTest {
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void chunksComeInOrderWithAtMostTheWindowInFlightEvenWhenAGatewayAnswersShort() throws Exception {
    byte[] object = new byte[1_000_003];
    new Random(5).nextBytes(object);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger calls = new AtomicInteger();
    ReadAhead.Fetch fetch = (offset, length) -> {
      most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      try {
        int n = calls.incrementAndGet() % 5 == 0 ? Math.max(1, length / 3) : length; // every fifth answer is short
        return ByteBuffer.wrap(object, (int) offset, n).slice();
      } finally {
        inFlight.decrementAndGet();
      }
    };
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ReadAhead chunks = new ReadAhead(pool, fetch, object.length, 64 * 1024, 4)) {
      ByteBuffer b;
      while ((b = chunks.next()) != null) {
        byte[] part = new byte[b.remaining()];
        b.get(part);
        out.write(part);
      }
    }
    assertThat(out.toByteArray()).isEqualTo(object);
    assertThat(most.get()).as("fetches in flight at once").isLessThanOrEqualTo(4);
  }

  @Test
  void aFailedChunkFailsTheReadWithItsError() {
    ReadAhead.Fetch fetch = (offset, length) -> {
      if (offset >= 3 * 4096) {
        throw new DyadException(ErrorCode.UNAVAILABLE, "every gateway failed");
      }
      return ByteBuffer.allocate(length);
    };
    assertThatThrownBy(() -> {
      try (ReadAhead chunks = new ReadAhead(pool, fetch, 10 * 4096, 4096, 4)) {
        while (chunks.next() != null) {
          continue; // consume until the failure
        }
      }
    }).isInstanceOf(DyadException.class).hasMessageContaining("every gateway failed");
  }

  @Test
  void anEmptyAnswerBeforeTheEndIsAnError() {
    ReadAhead.Fetch fetch = (offset, length) -> ByteBuffer.allocate(0);
    assertThatThrownBy(() -> {
      try (ReadAhead chunks = new ReadAhead(pool, fetch, 100, 4096, 4)) {
        chunks.next();
      }
    }).isInstanceOf(DyadException.class).hasMessageContaining("no bytes");
  }
}
