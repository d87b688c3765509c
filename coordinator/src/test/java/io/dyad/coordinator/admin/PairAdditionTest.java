package io.dyad.coordinator.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dyad.coordinator.admin.ClusterDescription.CenterSpec;
import io.dyad.coordinator.admin.ClusterDescription.MemberSpec;
import io.dyad.coordinator.admin.ClusterDescription.PairSpec;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PairAdditionTest {
  /** The cluster ZooKeeper would hold after an init with one storage pair and one directory pair. */
  private static ClusterSnapshot running() throws Exception {
    ClusterLayout init = ClusterDescriptionValidator.validate(new ClusterDescription("test",
        Map.of("A", new CenterSpec("127.0.1.0/24", null), "B", new CenterSpec("127.0.2.0/24", null)),
        List.of(new MemberSpec("a1", "storage", "A", "127.0.1.11:9100", "127.0.1.11:9180"),
            new MemberSpec("da1", "directory", "A", "127.0.1.21:9110", null)),
        List.of(new PairSpec("p1", "storage", "a1", "b1"), new PairSpec("dp1", "directory", "da1", "db1"))));
    Map<String, MemberInfo> members = new HashMap<>();
    init.members().forEach(m -> members.put(m.id(), m));
    Map<String, PairInfo> pairs = new HashMap<>();
    init.pairs().forEach(p -> pairs.put(p.id(), p));
    return ClusterSnapshot.builder().version(1).cluster(java.util.Optional.of(init.cluster())).members(members)
        .pairs(pairs).build();
  }

  @Test
  void aNewPairIsCheckedAgainstTheWholeClusterAndWrittenJoining() throws Exception {
    ClusterLayout added = PairAddition.plan(running(),
        List.of(new MemberSpec("a2", "storage", "A", "127.0.1.12:9100", "127.0.1.12:9180")),
        new PairSpec("p2", "storage", "a2", "b2"));
    assertThat(added.members()).extracting(MemberInfo::id).containsExactlyInAnyOrder("a2", "b2");
    assertThat(added.generated()).singleElement().satisfies(b2 -> {
      assertThat(b2.address()).as("the partner's address has the other center's subnet").isEqualTo("127.0.2.12:9100");
      assertThat(b2.adminAddress()).isEqualTo("127.0.2.12:9180");
      assertThat(b2.center()).isEqualTo("B");
    });
    assertThat(added.pairs()).singleElement().satisfies(p -> {
      assertThat(p.joining()).as("out of placement until both members serve").isTrue();
      assertThat(p.kind()).isEqualTo(MemberKind.STORAGE);
      assertThat(p.aAddress()).isEqualTo("127.0.1.12:9100");
    });
    ClusterLayout directory = PairAddition.plan(running(),
        List.of(new MemberSpec("da2", "directory", "A", "127.0.1.22:9110", null),
            new MemberSpec("db2", "directory", "B", "127.0.2.22:9110", null)),
        new PairSpec("dp2", "directory", "da2", "db2"));
    assertThat(directory.pairs().get(0).kind()).isEqualTo(MemberKind.DIRECTORY);
    assertThat(directory.generated()).isEmpty();
  }

  @Test
  void whatClashesWithTheRunningClusterIsRefusedByName() throws Exception {
    ClusterSnapshot s = running();
    assertThatThrownBy(() -> PairAddition.plan(s, List.of(new MemberSpec("a9", "storage", "A", "127.0.1.19:9100", null)),
        new PairSpec("p1", "storage", "a9", "b9"))).hasMessageContaining("pair p1 already exists");
    assertThatThrownBy(() -> PairAddition.plan(s, List.of(new MemberSpec("a1", "storage", "A", "127.0.1.19:9100", null)),
        new PairSpec("p9", "storage", "a1", "b9"))).hasMessageContaining("member a1 already exists");
    assertThatThrownBy(() -> PairAddition.plan(s, List.of(new MemberSpec("a9", "storage", "A", "127.0.1.11:9100", null)),
        new PairSpec("p9", "storage", "a9", "b9"))).hasMessageContaining("127.0.1.11:9100");
    assertThatThrownBy(() -> PairAddition.plan(s, List.of(new MemberSpec("a9", "storage", "A", "127.0.1.19:9100", null),
        new MemberSpec("b9", "storage", "B", "127.0.1.29:9100", null)), new PairSpec("p9", "storage", "a9", "b9")))
        .hasMessageContaining("outside center B's subnet");
  }
}
