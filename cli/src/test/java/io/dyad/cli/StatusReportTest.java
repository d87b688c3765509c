package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.coordinator.model.ClusterInfo;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.model.RebalanceInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusReportTest {
  private static ClusterSnapshot grown(Optional<RebalanceInfo> rebalance) {
    Map<String, MemberInfo> members = Map.of(
        "a1", new MemberInfo("a1", MemberKind.STORAGE, "A", "127.0.1.11:1", null),
        "b1", new MemberInfo("b1", MemberKind.STORAGE, "B", "127.0.2.11:1", null),
        "a2", new MemberInfo("a2", MemberKind.STORAGE, "A", "127.0.1.12:1", null),
        "b2", new MemberInfo("b2", MemberKind.STORAGE, "B", "127.0.2.12:1", null));
    Map<String, PairInfo> pairs = Map.of(
        "p1", new PairInfo("p1", MemberKind.STORAGE, "a1", "b1", "127.0.1.11:1", "127.0.2.11:1"),
        "p2", new PairInfo("p2", MemberKind.STORAGE, "a2", "b2", "127.0.1.12:1", "127.0.2.12:1", true));
    return ClusterSnapshot.builder().version(1).cluster(Optional.of(new ClusterInfo("c", 1, Map.of(
        "A", new ClusterInfo.CenterInfo(null, null), "B", new ClusterInfo.CenterInfo(null, null)))))
        .members(members).pairs(pairs).rebalance(rebalance).build();
  }

  @Test
  void aJoiningPairAndTheRebalanceAreShown() {
    RebalanceInfo running = new RebalanceInfo("p1,p2", "p1", RebalanceInfo.RUNNING, 2, "a1", "c", 1500, 120, 3 << 20, 0,
        4, "member b2 does not serve", "d1", 0, 0);
    String table = new StatusReport(grown(Optional.of(running))).table();
    assertThat(table).contains("p2 (joining)").doesNotContain("p1 (joining)")
        .contains("rebalance: RUNNING for pairs [p1,p2] by d1, pass 2, reading a1: 1500 entries scanned, 120 moved "
            + "(3.0 MiB), 0 kept; WAITING: member b2 does not serve");
    RebalanceInfo done = new RebalanceInfo("p1,p2", "p1", RebalanceInfo.DONE, 3, "", "", 4000, 130, 1 << 20, 1, 0, null,
        "d1", 0, 0);
    assertThat(new StatusReport(grown(Optional.of(done))).table())
        .containsPattern("rebalance: done for pairs \\[p1,p2\\] at .* after 3 pass\\(es\\): 4000 entries scanned, 130 "
            + "moved \\(1.0 MiB\\), 1 kept");
    assertThat(new StatusReport(grown(Optional.empty())).table()).doesNotContain("rebalance:");
    assertThat(new StatusReport(grown(Optional.of(running))).json()).containsEntry("rebalance", running);
  }
}
