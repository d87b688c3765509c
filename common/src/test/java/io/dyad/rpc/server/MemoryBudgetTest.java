package io.dyad.rpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {
  @Test
  void halfReceivedFramesThatFillTheBudgetCannotStopEveryFrameFromFinishing() {
    AtomicInteger releases = new AtomicInteger();
    MemoryBudget budget = new MemoryBudget(100, 60, releases::incrementAndGet);
    Object a = new Object();
    Object b = new Object();
    Object c = new Object();
    assertThat(budget.tryTake(a, 50)).isTrue();
    assertThat(budget.tryTake(b, 50)).isTrue();
    // the budget is full of two half frames: one connection may go on, within the headroom
    assertThat(budget.tryTake(a, 10)).isTrue();
    assertThat(budget.tryTake(b, 10)).as("only one connection at a time goes over the limit").isFalse();
    assertThat(budget.tryTake(a, 50)).isTrue();
    assertThat(budget.tryTake(a, 1)).as("not past the headroom").isFalse();
    assertThat(budget.used()).isEqualTo(160);
    budget.giveBack(a, 110);
    assertThat(releases).hasValue(1);
    assertThat(budget.tryTake(b, 10)).isTrue();
    assertThat(budget.tryTake(c, 40)).isTrue();
    assertThat(budget.tryTake(c, 1)).as("c goes over the limit now").isTrue();
    assertThat(budget.used()).isEqualTo(101);
  }
}
