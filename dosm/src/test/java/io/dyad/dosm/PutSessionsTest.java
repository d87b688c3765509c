package io.dyad.dosm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.base.Ticker;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.rpc.server.CallContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PutSessionsTest {
  private final AtomicLong now = new AtomicLong();
  private final Ticker ticker = new Ticker() {
    @Override
    public long read() {
      return now.get();
    }
  };
  private int nextPut;

  /** A put that records when it was last touched and whether it was aborted. */
  private final class FakePut implements PutSessions.Put {
    final String id = "put-" + nextPut++;
    final long touched = now.get();
    boolean aborted;

    @Override
    public String putId() {
      return id;
    }

    @Override
    public long lastTouchedNanos() {
      return touched;
    }

    @Override
    public void abort() {
      aborted = true;
    }
  }

  /** A client connection: an id and an address. */
  private record Caller(long connectionId, String peerHost) implements CallContext {
    @Override
    public String peer() {
      return peerHost + ":" + connectionId;
    }

    @Override
    public void onClose(Runnable action) {}

    @Override
    public Optional<String> daemon() {
      return Optional.empty();
    }

    @Override
    public void authenticatedAs(String daemon) {}

    @Override
    public java.net.InetSocketAddress localAddress() {
      return new java.net.InetSocketAddress("127.0.0.1", 9200);
    }

    @Override
    public Optional<java.security.cert.Certificate> localCertificate() {
      return Optional.empty();
    }
  }

  private PutSessions sessions(int maxOpen, int perConnection, int perAddress) {
    return new PutSessions(Duration.ofMinutes(2), Duration.ofSeconds(15), maxOpen, perConnection, perAddress,
        Runnable::run, ticker);
  }

  private FakePut begin(PutSessions s, Caller c) throws DyadException {
    s.checkRoom(Optional.of(c));
    FakePut p = new FakePut();
    s.add(p, Optional.of(c));
    return p;
  }

  @Test
  void oneAddressIsBoundedOverAllItsConnectionsWhileAnotherAddressGoesOn() throws Exception {
    PutSessions s = sessions(100, 4, 10);
    for (int connection = 0; connection < 3; connection++) {
      for (int i = 0; i < 4 && s.size() < 10; i++) {
        begin(s, new Caller(connection, "10.0.0.5"));
      }
    }
    assertThatThrownBy(() -> begin(s, new Caller(3, "10.0.0.5"))).isInstanceOfSatisfying(DyadException.class,
        e -> assertThat(e.code()).as("retry later, not a wrong request").isEqualTo(ErrorCode.UNAVAILABLE));
    begin(s, new Caller(10, "10.0.0.6"));
    assertThat(s.size()).isEqualTo(11);
    assertThat(s.refused()).isEqualTo(1);
  }

  @Test
  void anAddressAtItsBoundFirstLosesItsOwnPutsIdleForThePressureTimeout() throws Exception {
    PutSessions s = sessions(100, 64, 4);
    List<FakePut> abandoned = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      abandoned.add(begin(s, new Caller(1, "10.0.0.5")));
    }
    FakePut other = begin(s, new Caller(2, "10.0.0.6"));
    now.addAndGet(Duration.ofSeconds(16).toNanos());
    begin(s, new Caller(1, "10.0.0.5"));
    assertThat(abandoned).allMatch(p -> p.aborted);
    assertThat(other.aborted).as("another address's idle put stays (the 2 minutes apply to it)").isFalse();
    assertThat(s.size()).isEqualTo(2);
  }

  @Test
  void underPressureTheSweepExpiresPutsIdleForTheShorterTimeout() throws Exception {
    PutSessions s = sessions(8, 64, 64);
    for (int i = 0; i < 3; i++) {
      begin(s, new Caller(i, "10.0.0." + i));
    }
    now.addAndGet(Duration.ofSeconds(20).toNanos());
    assertThat(s.expireIdle()).as("3 of 8 open: the 2 minutes apply").isZero();
    begin(s, new Caller(9, "10.0.0.9"));
    assertThat(s.expireIdle()).as("half of 8 open: puts idle over 15 s expire").isEqualTo(3);
    assertThat(s.size()).isEqualTo(1);
  }

  @Test
  void aPutOfAClosedOrFinishedConnectionNoLongerCountsForItsAddress() throws Exception {
    PutSessions s = sessions(100, 64, 2);
    FakePut first = begin(s, new Caller(1, "10.0.0.5"));
    begin(s, new Caller(1, "10.0.0.5"));
    s.remove(first);
    begin(s, new Caller(2, "10.0.0.5"));
    assertThat(s.size()).isEqualTo(2);
    assertThatThrownBy(() -> begin(s, new Caller(3, "10.0.0.5"))).as("two from the address again: the bound")
        .isInstanceOf(DyadException.class);
  }
}
