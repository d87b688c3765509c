package io.dyad.rpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {
  private static final String A = "10.0.0.1";
  private static final String B = "10.0.0.2";
  private static final String C = "10.0.0.3";

  @Test
  void halfReceivedFramesThatFillTheBudgetCannotStopEveryFrameFromFinishing() {
    AtomicInteger releases = new AtomicInteger();
    MemoryBudget budget = new MemoryBudget(100, 60, releases::incrementAndGet);
    Object a = new Object();
    Object b = new Object();
    Object c = new Object();
    assertThat(budget.tryTake(a, A, 50)).isTrue();
    assertThat(budget.tryTake(b, B, 50)).isTrue();
    // the budget is full of two half frames: one connection may go on, within the headroom
    assertThat(budget.tryTake(a, A, 10)).isTrue();
    assertThat(budget.tryTake(b, B, 10)).as("only one connection at a time goes over the limit").isFalse();
    assertThat(budget.tryTake(a, A, 50)).isTrue();
    assertThat(budget.tryTake(a, A, 1)).as("not past the headroom").isFalse();
    assertThat(budget.used()).isEqualTo(160);
    budget.giveBack(a, A, 110);
    assertThat(releases).hasValue(1);
    assertThat(budget.tryTake(b, B, 10)).isTrue();
    assertThat(budget.tryTake(c, C, 40)).isTrue();
    assertThat(budget.tryTake(c, C, 1)).as("c fits within the limit (the headroom holds b's frame)").isTrue();
    assertThat(budget.used()).isEqualTo(101);
  }

  @Test
  void oneAddressWithManyConnectionsLeavesRoomForAFrameOfAnotherAddress() {
    MemoryBudget budget = new MemoryBudget(100, 30, () -> {});
    int taken = 0;
    for (int i = 0; i < 20 && budget.tryTake(new Object(), A, 10); i++) {
      taken += 10;
    }
    assertThat(taken).as("70 within the limit (its last 30 are kept for others), and one frame over it").isEqualTo(80);
    Object newcomer = new Object();
    assertThat(budget.tryTake(newcomer, B, 10)).as("another address finds room at once").isTrue();
    assertThat(budget.tryTake(newcomer, B, 20)).isTrue();
    assertThat(budget.tryTake(new Object(), C, 1)).as("the reserve is one frame: the next waits").isFalse();
  }

  @Test
  void anAddressAloneMayUseTheWholeLimitAndIsSlowedRatherThanRefusedAtIt() {
    MemoryBudget budget = new MemoryBudget(100, 30, () -> {});
    Object f1 = new Object();
    assertThat(budget.tryTake(f1, A, 30)).isTrue();
    assertThat(budget.tryTake(new Object(), A, 30)).isTrue();
    assertThat(budget.tryTake(new Object(), A, 30)).as("over the limit by one frame").isTrue();
    assertThat(budget.tryTake(new Object(), A, 10)).isTrue();
    assertThat(budget.used()).isEqualTo(100);
    Object waiting = new Object();
    assertThat(budget.tryTake(waiting, A, 10)).isFalse();
    budget.giveBack(f1, A, 30);
    assertThat(budget.tryTake(waiting, A, 10)).as("its turn comes when one of its own frames is done").isTrue();
  }

  @Test
  void whileAnotherAddressWaitsAnAddressOverItsFairShareTakesNothingMore() {
    MemoryBudget budget = new MemoryBudget(100, 30, () -> {});
    Object a1 = new Object();
    Object b1 = new Object();
    assertThat(budget.tryTake(a1, A, 60)).isTrue();
    assertThat(budget.tryTake(b1, B, 30)).isTrue();
    Object c1 = new Object();
    assertThat(budget.tryTake(c1, C, 30)).as("the headroom, for one frame").isTrue();
    Object c2 = new Object();
    assertThat(budget.tryTake(c2, C, 10)).as("nothing left for c's second frame: it waits").isFalse();
    assertThat(budget.othersWaiting(a1)).isTrue();
    assertThat(budget.othersWaiting(c2)).isFalse();
    // 100 / 3 addresses: a holds 60, over its share
    Object a2 = new Object();
    budget.giveBack(b1, B, 30);
    assertThat(budget.tryTake(a2, A, 10)).as("a is over its share while c waits").isFalse();
    assertThat(budget.tryTake(c2, C, 10)).as("c is not").isTrue();
    budget.forget(a2);
    assertThat(budget.othersWaiting(c2)).as("a connection that closed no longer waits").isFalse();
  }

  @Test
  void randomTakesAndReturnsNeverHoldMoreThanTheLimitPlusOneFrameNorLeaveEveryoneWaiting() {
    long limit = 1000;
    long frame = 300;
    MemoryBudget budget = new MemoryBudget(limit, frame, () -> {});
    Random random = new Random(7);
    String[] addresses = {A, B, C, "10.0.0.4"};
    Map<Object, Long> held = new HashMap<>();
    Map<Object, String> addressOf = new HashMap<>();
    List<Object> holders = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      Object h = new Object();
      holders.add(h);
      addressOf.put(h, addresses[random.nextInt(addresses.length)]);
      held.put(h, 0L);
    }
    for (int step = 0; step < 100_000; step++) {
      Object h = holders.get(random.nextInt(holders.size()));
      long mine = held.get(h);
      if (random.nextInt(4) == 0 || mine >= frame) {
        budget.giveBack(h, addressOf.get(h), mine); // the frame is done
        held.put(h, 0L);
        continue;
      }
      long want = Math.min(frame - mine, 1 + random.nextInt(100));
      if (budget.tryTake(h, addressOf.get(h), want)) {
        held.put(h, mine + want);
      }
      assertThat(budget.used()).isLessThanOrEqualTo(limit + frame);
      assertThat(budget.used()).isEqualTo(held.values().stream().mapToLong(Long::longValue).sum());
    }
    // when nothing is given back, some frame can still grow to completion: take for each holder until none can
    boolean progressed = true;
    while (progressed) {
      progressed = false;
      for (Object h : holders) {
        long mine = held.get(h);
        if (mine > 0 && mine < frame && budget.tryTake(h, addressOf.get(h), frame - mine)) {
          held.put(h, frame);
          progressed = true;
        }
      }
    }
    boolean someoneHalfway = holders.stream().anyMatch(h -> held.get(h) > 0 && held.get(h) < frame);
    boolean someoneComplete = holders.stream().anyMatch(h -> held.get(h) == frame);
    assertThat(!someoneHalfway || someoneComplete).as("half frames alone cannot hold the whole budget").isTrue();
  }
}
