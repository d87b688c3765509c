package io.dyad.dosm;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.common.ObjectId;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.model.RebalanceInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlacementTest {
  static ClusterSnapshot withPairs(int n) {
    Map<String, PairInfo> pairs = new HashMap<>();
    Map<String, MemberInfo> members = new HashMap<>();
    for (int i = 1; i <= n; i++) {
      pairs.put("p" + i, new PairInfo("p" + i, MemberKind.STORAGE, "a" + i, "b" + i, "127.0.1." + i + ":1", "127.0.2." + i + ":1"));
      members.put("a" + i, new MemberInfo("a" + i, MemberKind.STORAGE, "A", "127.0.1." + i + ":1", null));
      members.put("b" + i, new MemberInfo("b" + i, MemberKind.STORAGE, "B", "127.0.2." + i + ":1", null));
    }
    return ClusterSnapshot.builder().version(1).members(members).pairs(pairs).build();
  }

  @Test
  void spreadsObjectsEvenlyAndAgreesWithItself() throws Exception {
    ClusterSnapshot s = withPairs(3);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 30_000; i++) {
      ObjectId id = ObjectId.of("obj-" + i);
      String pair = Placement.pairFor(id, s).id();
      assertThat(Placement.pairFor(id, withPairs(3)).id()).isEqualTo(pair);
      counts.merge(pair, 1, Integer::sum);
    }
    assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(9_000, 11_000));
  }

  @Test
  void addingAPairMovesOnlyTheObjectsItWins() throws Exception {
    ClusterSnapshot three = withPairs(3);
    ClusterSnapshot four = withPairs(4);
    int moved = 0;
    for (int i = 0; i < 20_000; i++) {
      ObjectId id = ObjectId.of("obj-" + i);
      String before = Placement.pairFor(id, three).id();
      String after = Placement.pairFor(id, four).id();
      if (!before.equals(after)) {
        assertThat(after).as("an object only ever moves to the new pair").isEqualTo("p4");
        moved++;
      }
    }
    assertThat(moved).as("about a quarter moves").isBetween(4_000, 6_000);
  }

  @Test
  void aJoiningPairTakesNoPartUntilItJoins() throws Exception {
    ClusterSnapshot four = withPairs(4);
    Map<String, PairInfo> pairs = new HashMap<>(four.pairs());
    pairs.put("p4", pairs.get("p4").withJoining(true));
    ClusterSnapshot joining = ClusterSnapshot.builder().version(2).members(four.members()).pairs(pairs).build();
    ClusterSnapshot three = withPairs(3);
    for (int i = 0; i < 5_000; i++) {
      ObjectId id = ObjectId.of("obj-" + i);
      assertThat(Placement.pairFor(id, joining).id()).isEqualTo(Placement.pairFor(id, three).id());
    }
    assertThat(Placement.pairIds(joining)).isEqualTo("p1,p2,p3");
    assertThat(Placement.pairIds(four)).isEqualTo("p1,p2,p3,p4");
    assertThat(Placement.members(joining)).containsExactly("a1", "a2", "a3", "b1", "b2", "b3");
  }

  @Test
  void whileARebalanceRunsAnObjectsPreviousPairIsKnown() throws Exception {
    ClusterSnapshot four = withPairs(4);
    ClusterSnapshot three = withPairs(3);
    RebalanceInfo running = RebalanceInfo.begin("p1,p2,p3,p4", "p1,p2,p3", "a1", "d1", 0);
    RebalanceInfo notBegun = RebalanceInfo.begin("p1,p2,p3", null, "a1", "d1", 0).finished("d1", 0);
    int moved = 0;
    for (int i = 0; i < 2_000; i++) {
      ObjectId id = ObjectId.of("obj-" + i);
      PairInfo before = Placement.pairFor(id, three);
      boolean moves = Placement.pairFor(id, four).id().equals("p4");
      Optional<PairInfo> expected = moves ? Optional.of(before) : Optional.empty();
      assertThat(Placement.previousPairFor(id, with(four, running))).isEqualTo(expected);
      assertThat(Placement.previousPairFor(id, with(four, notBegun))).as("the set changed, no rebalance yet")
          .isEqualTo(expected);
      assertThat(Placement.previousPairFor(id, with(four, running.finished("d1", 1)))).isEmpty();
      assertThat(Placement.previousPairFor(id, four)).isEmpty();
      moved += moves ? 1 : 0;
    }
    assertThat(moved).isBetween(400, 600);
  }

  private static ClusterSnapshot with(ClusterSnapshot s, RebalanceInfo r) {
    return ClusterSnapshot.builder().version(s.version()).members(s.members()).pairs(s.pairs())
        .rebalance(Optional.of(r)).build();
  }

  @Test
  void theSearchAsksThePartnersCenterFirstThenTheFirstOne() {
    ClusterSnapshot s = withPairs(1);
    assertThat(ObjectReader.searchOrder(s.pairs().get("p1"), s)).isEqualTo(List.of("B", "A"));
  }
}
