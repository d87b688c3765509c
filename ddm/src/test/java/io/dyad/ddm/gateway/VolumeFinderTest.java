package io.dyad.ddm.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.coordinator.model.ClusterInfo;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The search order of claims 27-30, and the bounds that keep searches for missing volumes cheap. */
class VolumeFinderTest {
  private static final PairInfo DP1 = new PairInfo("dp1", MemberKind.DIRECTORY, "da1", "db1", "127.0.1.21:1",
      "127.0.2.21:1");
  private static final PairInfo ONE_CENTER = new PairInfo("dp9", MemberKind.DIRECTORY, "dc1", "dc2", "127.0.3.21:1",
      "127.0.3.22:1");

  private static ClusterSnapshot snapshot() {
    Map<String, MemberInfo> members = Map.of(
        "da1", new MemberInfo("da1", MemberKind.DIRECTORY, "A", "127.0.1.21:1", null),
        "db1", new MemberInfo("db1", MemberKind.DIRECTORY, "B", "127.0.2.21:1", null),
        "dc1", new MemberInfo("dc1", MemberKind.DIRECTORY, "C", "127.0.3.21:1", null),
        "dc2", new MemberInfo("dc2", MemberKind.DIRECTORY, "C", "127.0.3.22:1", null));
    ClusterInfo cluster = new ClusterInfo("t", 1, Map.of("A", new ClusterInfo.CenterInfo("127.0.1.0/24", null),
        "B", new ClusterInfo.CenterInfo("127.0.2.0/24", null), "C", new ClusterInfo.CenterInfo("127.0.3.0/24", null)));
    return ClusterSnapshot.builder().version(1).members(members).pairs(Map.of("dp1", DP1, "dp9", ONE_CENTER))
        .cluster(Optional.of(cluster)).build();
  }

  @Test
  void theSecondMembersCenterIsSearchedFirstThenTheFirstsThenTheRest() {
    assertThat(VolumeFinder.centers(snapshot(), Optional.of(DP1))).containsExactly("B", "A", "C");
    assertThat(VolumeFinder.centers(snapshot(), Optional.of(ONE_CENTER))).as("a pair inside one center")
        .containsExactly("C", "B", "A");
    assertThat(VolumeFinder.centers(snapshot(), Optional.empty())).as("no record: the centers in reverse order")
        .containsExactly("C", "B", "A");
  }

  /** Answers from a fixed table, counting the questions. */
  private static final class TableSearch implements VolumeSearch {
    final AtomicInteger asked = new AtomicInteger();
    final List<String> centersAsked = new ArrayList<>();

    @Override
    public List<Holder> search(String volume, String center, ClusterSnapshot s) {
      asked.incrementAndGet();
      centersAsked.add(center);
      if (volume.equals("docs") && center.equals("A")) {
        return List.of(new Holder("da1", "127.0.1.21:1", 7));
      }
      return List.of();
    }

    @Override
    public String mode() {
      return "table";
    }

    @Override
    public void close() {}
  }

  @Test
  void aVolumeFoundNowhereIsRememberedAndAFoundOneStopsTheSearch() throws Exception {
    TableSearch table = new TableSearch();
    VolumeFinder finder = new VolumeFinder(table, java.time.Duration.ofMinutes(1));
    assertThat(finder.find("docs", snapshot(), Optional.of(DP1))).extracting(VolumeSearch.Holder::member)
        .containsExactly("da1");
    assertThat(table.centersAsked).as("B first; A holds it and its partner is known: C is not asked")
        .containsExactly("B", "A");

    assertThat(finder.find("nowhere", snapshot(), Optional.empty())).isEmpty();
    int asked = table.asked.get();
    assertThat(finder.find("nowhere", snapshot(), Optional.empty())).isEmpty();
    assertThat(table.asked.get()).as("found nowhere a moment ago: not searched again").isEqualTo(asked);
    finder.created("nowhere");
    finder.find("nowhere", snapshot(), Optional.empty());
    assertThat(table.asked.get()).as("created since: searched again").isGreaterThan(asked);
  }
}
