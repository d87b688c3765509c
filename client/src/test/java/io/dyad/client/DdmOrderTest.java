package io.dyad.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.HostAndPort;
import com.google.common.testing.FakeTicker;
import java.util.List;
import org.junit.jupiter.api.Test;

class DdmOrderTest {
  private static final HostAndPort A = HostAndPort.fromParts("127.0.0.1", 9300);
  private static final HostAndPort B = HostAndPort.fromParts("127.0.0.1", 9301);
  private static final HostAndPort C = HostAndPort.fromParts("127.0.0.1", 9302);

  @Test
  void callsTakeTurnsAndEachTriesEveryDdm() {
    DdmOrder order = new DdmOrder(List.of(A, B, C), new FakeTicker());
    assertThat(order.plan()).containsExactly(A, B, C);
    assertThat(order.plan()).containsExactly(B, C, A);
    assertThat(order.plan()).containsExactly(C, A, B);
  }

  @Test
  void aDdmThatFailedIsTriedLastForAFewSeconds() {
    FakeTicker ticker = new FakeTicker();
    DdmOrder order = new DdmOrder(List.of(A, B), ticker);
    order.failed(A);
    assertThat(order.plan()).containsExactly(B, A);
    assertThat(order.plan()).as("not first on every other call").containsExactly(B, A);
    ticker.advance(DdmOrder.SUSPECT_FOR.plusNanos(1));
    assertThat(List.of(order.plan(), order.plan())).as("in turn again").contains(List.of(A, B));
  }

  @Test
  void aDdmThatAnswersIsNoLongerSuspect() {
    DdmOrder order = new DdmOrder(List.of(A, B), new FakeTicker());
    order.failed(A);
    order.answered(A);
    assertThat(List.of(order.plan(), order.plan())).contains(List.of(A, B));
  }

  @Test
  void aSingleDdmIsTriedTwiceOnANewConnection() {
    DdmOrder order = new DdmOrder(List.of(A), new FakeTicker());
    assertThat(order.plan()).containsExactly(A, A);
    order.failed(A);
    assertThat(order.plan()).as("suspect, but the only one").containsExactly(A, A);
  }
}
