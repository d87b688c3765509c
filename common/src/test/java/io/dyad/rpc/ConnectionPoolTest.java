package io.dyad.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.HostAndPort;
import com.google.common.testing.FakeTicker;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The pool's bounds and its retry rule, on fake connections (the pool's own edge). */
class ConnectionPoolTest {
  private static final HostAndPort NODE = HostAndPort.fromParts("127.0.1.11", 9100);

  /** A connection that can be told it broke, or that its server closed it. */
  private static final class Fake implements PooledConnection {
    boolean broken;
    boolean closedByServer;
    boolean closed;
    final java.util.concurrent.CountDownLatch aborted = new java.util.concurrent.CountDownLatch(1);

    @Override
    public boolean isBroken() {
      return broken || aborted.getCount() == 0;
    }

    @Override
    public void abort() {
      aborted.countDown();
    }

    /** A call that hangs (a paused server) until the connection is cut, then fails as a cut connection would. */
    Void hang() throws DyadException {
      try {
        aborted.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new DyadException(ErrorCode.UNAVAILABLE, "connection reset");
    }

    @Override
    public boolean closedByPeer() {
      return closedByServer;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private final List<Fake> made = new ArrayList<>();
  private final FakeTicker ticker = new FakeTicker();

  private ConnectionPool<Fake> pool(int max, Duration maxIdle) {
    return new ConnectionPool<>(target -> {
      Fake f = new Fake();
      made.add(f);
      return f;
    }, max, Duration.ofMillis(200), maxIdle, ticker);
  }

  @Test
  void connectionsToOneTargetAreBoundedAndACallerWaitsOnlyUpToTheCheckoutTimeout() throws Exception {
    ConnectionPool<Fake> pool = pool(2, Duration.ofMinutes(1));
    ConnectionPool<Fake>.Lease a = pool.lease(NODE);
    ConnectionPool<Fake>.Lease b = pool.lease(NODE);
    long start = System.nanoTime();
    assertThatThrownBy(() -> pool.lease(NODE)).isInstanceOf(DyadException.class)
        .satisfies(e -> assertThat(((DyadException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .hasMessageContaining("stayed busy");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
    a.close();
    try (ConnectionPool<Fake>.Lease c = pool.lease(NODE)) {
      assertThat(c.connection()).as("the returned connection is reused").isSameAs(a.connection());
      assertThat(c.reused()).isTrue();
    }
    b.close();
    assertThat(made).hasSize(2);
    assertThat(pool.openConnections().get(NODE)).isEqualTo(2);
  }

  @Test
  void idleConnectionsAreClosedAfterTheLimitAndBrokenOnesAreNeverReused() throws Exception {
    ConnectionPool<Fake> pool = pool(4, Duration.ofSeconds(30));
    Fake first;
    try (ConnectionPool<Fake>.Lease l = pool.lease(NODE)) {
      first = l.connection();
    }
    ticker.advance(Duration.ofSeconds(29));
    assertThat(pool.evictIdle()).as("not yet idle for the limit").isZero();
    assertThat(first.closed).isFalse();
    ticker.advance(Duration.ofSeconds(1));
    assertThat(pool.evictIdle()).isEqualTo(1);
    assertThat(first.closed).isTrue();

    ConnectionPool<Fake> patient = pool(4, Duration.ofMinutes(1));
    Fake broken;
    try (ConnectionPool<Fake>.Lease l = patient.lease(NODE)) {
      broken = l.connection();
      broken.broken = true;
    }
    assertThat(broken.closed).as("a broken connection is closed when returned").isTrue();
    try (ConnectionPool<Fake>.Lease l = patient.lease(NODE)) {
      assertThat(l.connection()).isNotSameAs(broken);
    }
  }

  @Test
  void aSafeCallOnAReusedConnectionThatBrokeIsRepeatedOnceOnAFreshOne() throws Exception {
    ConnectionPool<Fake> pool = pool(4, Duration.ofMinutes(1));
    try (ConnectionPool<Fake>.Lease l = pool.lease(NODE)) {
      l.connection();
    }
    AtomicInteger calls = new AtomicInteger();
    String r = pool.call(NODE, ConnectionPool.Retry.SAFE, c -> {
      if (calls.incrementAndGet() == 1) {
        c.broken = true; // the server had closed the pooled connection
        throw new DyadException(ErrorCode.UNAVAILABLE, "lost the connection");
      }
      return "answered";
    });
    assertThat(r).isEqualTo("answered");
    assertThat(calls).hasValue(2);

    try (ConnectionPool<Fake>.Lease l = pool.lease(NODE)) {
      l.connection();
    }
    AtomicInteger once = new AtomicInteger();
    assertThatThrownBy(() -> pool.call(NODE, ConnectionPool.Retry.NEVER, c -> {
      once.incrementAndGet();
      c.broken = true;
      throw new DyadException(ErrorCode.UNAVAILABLE, "lost the connection");
    })).isInstanceOf(DyadException.class);
    assertThat(once).as("a call that must not be repeated is not").hasValue(1);
  }

  @Test
  void anIdleConnectionTheServerClosedIsReplacedBeforeUse() throws Exception {
    ConnectionPool<Fake> pool = pool(4, Duration.ofMinutes(1));
    Fake stale;
    try (ConnectionPool<Fake>.Lease l = pool.lease(NODE)) {
      stale = l.connection();
    }
    stale.closedByServer = true;
    try (ConnectionPool<Fake>.Lease l = pool.lease(NODE)) {
      assertThat(l.connection()).as("idle for too short a time to be probed").isSameAs(stale);
    }
    ticker.advance(Duration.ofMillis(1001)); // idle long enough to probe
    try (ConnectionPool<Fake>.Lease l = pool.lease(NODE)) {
      assertThat(l.connection()).isNotSameAs(stale);
      assertThat(l.reused()).isFalse();
    }
    assertThat(stale.closed).isTrue();
  }

  @Test
  void abandoningAServerCutsTheCallsInFlightAtOnceWithoutRepeatingThem() throws Exception {
    ConnectionPool<Fake> pool = pool(4, Duration.ofMinutes(1));
    pool.call(NODE, ConnectionPool.Retry.SAFE, c -> null); // one idle connection to reuse
    java.util.concurrent.CompletableFuture<Void> inFlight = java.util.concurrent.CompletableFuture.runAsync(() -> {
      try {
        pool.call(NODE, ConnectionPool.Retry.SAFE, Fake::hang);
      } catch (DyadException e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> made.stream().anyMatch(f -> f.aborted.getCount() == 1) && pool.openConnections().get(NODE) == 1
            && !inFlight.isDone());
    int connectionsBefore = made.size();

    pool.abandon(NODE, "a1 was failed over");

    assertThatThrownBy(() -> inFlight.get(10, java.util.concurrent.TimeUnit.SECONDS))
        .hasCauseInstanceOf(DyadException.class).hasMessageContaining("abandoned: a1 was failed over");
    assertThat(made).as("the abandoned call was not repeated on a fresh connection").hasSize(connectionsBefore);
    assertThat(pool.openConnections().get(NODE)).as("nothing kept to the abandoned server").isZero();
    String answer = pool.call(NODE, ConnectionPool.Retry.SAFE, c -> "served");
    assertThat(answer).as("a later call, on a new connection").isEqualTo("served");
  }
}
