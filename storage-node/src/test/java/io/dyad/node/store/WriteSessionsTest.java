package io.dyad.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.testing.FakeTicker;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteSessionsTest {
  @TempDir Path tmp;
  private final FakeTicker ticker = new FakeTicker();
  private int next;

  private WriteSessions sessions(int max, int perGateway) {
    return new WriteSessions(tmp, ticker, Duration.ofMinutes(10), Duration.ofSeconds(30), max, perGateway);
  }

  private WriteSession open(WriteSessions s, String gateway) throws DyadException {
    return s.open(ObjectId.of("object-" + next++), gateway);
  }

  private int openUntilRefused(WriteSessions s, String gateway) {
    int n = 0;
    try {
      while (n < 10_000) {
        open(s, gateway);
        n++;
      }
    } catch (DyadException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    }
    return n;
  }

  @Test
  void oneGatewayAbandoningSessionsLeavesEveryOtherGatewayItsReservedShare() throws Exception {
    WriteSessions s = sessions(100, 10);
    assertThat(openUntilRefused(s, "dosm d1")).as("all but one reservation, for a gateway not seen yet").isEqualTo(90);
    assertThat(openUntilRefused(s, "dosm d2")).as("the second gateway gets its reservation").isEqualTo(10);
    assertThat(s.refused()).isEqualTo(2);
    assertThat(s.size()).isEqualTo(100);
  }

  @Test
  void gatewaysThatHaveNotUsedTheirReservationKeepItWhileAnotherFillsTheRest() throws Exception {
    WriteSessions s = sessions(100, 10);
    for (int i = 0; i < 3; i++) {
      open(s, "dosm d2");
    }
    // d2 has used 3 of its 10: 7 stay kept for it, and 10 for a gateway not seen yet
    assertThat(openUntilRefused(s, "dosm d1")).isEqualTo(80);
    assertThat(openUntilRefused(s, "dosm d2")).as("the rest of its own; the last 10 stay for a new gateway")
        .isEqualTo(7);
  }

  @Test
  void aSessionThatEndsGivesItsPlaceBackToItsGateway() throws Exception {
    WriteSessions s = sessions(20, 5);
    List<WriteSession> mine = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      mine.add(open(s, "dosm d1"));
    }
    assertThatThrownBy(() -> open(s, "dosm d1")).isInstanceOf(DyadException.class);
    s.remove(mine.get(0));
    mine.get(0).abort();
    open(s, "dosm d1");
    assertThat(s.size()).isEqualTo(15);
  }

  @Test
  void underPressureIdleSessionsExpireAfterTheShorterTimeout() throws Exception {
    WriteSessions s = sessions(8, 2);
    for (int i = 0; i < 5; i++) {
      open(s, "dosm d1");
    }
    ticker.advance(Duration.ofMinutes(1));
    assertThat(s.expireIdle()).as("5 of 8 open: not under pressure, the 10 minutes apply").isZero();
    open(s, "dosm d1");
    assertThat(s.expireIdle()).as("6 of 8 open: sessions idle over 30 s expire").isEqualTo(5);
    assertThat(s.size()).isEqualTo(1);
  }

  @Test
  void anOpenThatWouldBeRefusedFirstExpiresSessionsIdleForThePressureTimeout() throws Exception {
    WriteSessions s = sessions(8, 2);
    assertThat(openUntilRefused(s, "dosm d1")).isEqualTo(6);
    ticker.advance(Duration.ofSeconds(31));
    open(s, "dosm d1");
    assertThat(s.size()).as("the idle ones went to make room").isEqualTo(1);
    assertThat(s.refused()).isEqualTo(1);
  }
}
