package io.dyad.ddm.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.Uninterruptibles;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.directory.api.DirectoryClient;
import io.dyad.rpc.ConnectionPool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The bound on the asks of point-to-point searches, against directory servers that never answer. */
class PointToPointVolumeSearchTest {
  private static final Duration TIMEOUT = Duration.ofMinutes(1);

  /** A ticker that moves on by the search timeout at every look: each search's deadline has passed when it waits. */
  private static final class LeapingTicker extends Ticker {
    private final AtomicLong nanos = new AtomicLong();

    @Override
    public long read() {
      return nanos.getAndAdd(TIMEOUT.toNanos());
    }
  }

  private static ClusterSnapshot twoDirectoriesInA() {
    return ClusterSnapshot.builder().version(1).members(Map.of(
        "da1", new MemberInfo("da1", MemberKind.DIRECTORY, "A", "127.0.1.21:1", null),
        "da2", new MemberInfo("da2", MemberKind.DIRECTORY, "A", "127.0.1.22:1", null))).build();
  }

  /** A directory server that is paused: a connection is neither made nor refused, and an interrupt does not help. */
  private static ConnectionPool<DirectoryClient> paused(CountDownLatch resumed, AtomicInteger connecting) {
    return new ConnectionPool<>(t -> {
      connecting.incrementAndGet();
      Uninterruptibles.awaitUninterruptibly(resumed);
      throw new DyadException(ErrorCode.UNAVAILABLE, "connection refused (test)");
    }, 4, Duration.ofSeconds(10), Duration.ofMinutes(1));
  }

  @Test
  void whenEveryAskerWaitsOnAPausedServerASearchFailsAtOnceAndNothingIsConcluded() throws Exception {
    CountDownLatch resumed = new CountDownLatch(1);
    AtomicInteger connecting = new AtomicInteger();
    ConnectionPool<DirectoryClient> directories = paused(resumed, connecting);
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try (PointToPointVolumeSearch search = new PointToPointVolumeSearch(directories, Duration.ofMinutes(1),
        Ticker.systemTicker(), 2)) {
      Future<List<VolumeSearch.Holder>> first = caller.submit(() -> search.search("docs", "A", twoDirectoriesInA()));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> connecting.get() == 2);

      assertThatThrownBy(() -> search.search("docs", "A", twoDirectoriesInA()))
          .as("both threads wait on the paused servers").isInstanceOf(DyadException.class)
          .satisfies(e -> assertThat(((DyadException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE))
          .hasMessageContaining("too many directory servers are being asked");
      assertThat(connecting).as("no ask was queued behind them").hasValue(2);

      resumed.countDown();
      assertThat(first.get(10, TimeUnit.SECONDS)).as("both refused: not holders").isEmpty();
      Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreException(DyadException.class)
          .until(() -> search.search("docs", "A", twoDirectoriesInA()).isEmpty());
    } finally {
      resumed.countDown();
      caller.shutdownNow();
      directories.close();
    }
  }

  @Test
  void serversThatDoNotAnswerWithinTheTimeoutAreNotWaitedFor() throws Exception {
    CountDownLatch resumed = new CountDownLatch(1);
    ConnectionPool<DirectoryClient> directories = paused(resumed, new AtomicInteger());
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try (PointToPointVolumeSearch search = new PointToPointVolumeSearch(directories, TIMEOUT, new LeapingTicker(), 4)) {
      Future<List<VolumeSearch.Holder>> answer = caller.submit(() -> search.search("docs", "A", twoDirectoriesInA()));
      assertThat(answer.get(10, TimeUnit.SECONDS)).as("the timeout (a minute) passed on the search's ticker")
          .isEmpty();
    } finally {
      resumed.countDown();
      caller.shutdownNow();
      directories.close();
    }
  }
}
