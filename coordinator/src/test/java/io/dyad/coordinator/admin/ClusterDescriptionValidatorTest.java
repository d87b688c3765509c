package io.dyad.coordinator.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dyad.coordinator.admin.ClusterDescription.CenterSpec;
import io.dyad.coordinator.admin.ClusterDescription.MemberSpec;
import io.dyad.coordinator.admin.ClusterDescription.PairSpec;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.PairInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterDescriptionValidatorTest {
  private static final Map<String, CenterSpec> TWO_CENTERS =
      Map.of("A", new CenterSpec("127.0.1.0/24", null), "B", new CenterSpec("127.0.2.0/24", null));

  private static MemberSpec m(String id, String center, String address) {
    return new MemberSpec(id, "storage", center, address, null);
  }

  private static ClusterDescription good() {
    return new ClusterDescription("test", TWO_CENTERS,
        List.of(m("a1", "A", "127.0.1.11:9100"), m("b1", "B", "127.0.2.11:9100"), m("a2", "A", "127.0.1.12:9100"),
            m("b2", "B", "127.0.2.12:9100")),
        List.of(new PairSpec("p1", "storage", "a1", "b1"), new PairSpec("p2", null, "a2", "b2")));
  }

  /** The good description with one change applied to copies of its lists. */
  private static ClusterDescription with(Consumer<List<MemberSpec>> members, Consumer<List<PairSpec>> pairs) {
    ClusterDescription g = good();
    List<MemberSpec> ms = new ArrayList<>(g.members());
    List<PairSpec> ps = new ArrayList<>(g.pairs());
    members.accept(ms);
    pairs.accept(ps);
    return new ClusterDescription(g.name(), g.centers(), ms, ps);
  }

  private static void assertRefused(ClusterDescription d, String expectedFault) {
    assertThat(ClusterDescriptionValidator.problems(d)).anySatisfy(p -> assertThat(p).contains(expectedFault));
    assertThatThrownBy(() -> ClusterDescriptionValidator.validate(d))
        .isInstanceOf(io.dyad.common.DyadException.class)
        .satisfies(e -> assertThat(((io.dyad.common.DyadException) e).code())
            .isEqualTo(io.dyad.common.ErrorCode.INVALID_ARGUMENT));
  }

  @Test
  void aGoodDescriptionBecomesALayoutWithTheAddressMapping() throws Exception {
    ClusterLayout layout = ClusterDescriptionValidator.validate(good());
    assertThat(layout.members()).extracting(MemberInfo::id).containsExactly("a1", "b1", "a2", "b2");
    assertThat(layout.pairs()).containsExactly(
        new PairInfo("p1", io.dyad.coordinator.model.MemberKind.STORAGE, "a1", "b1", "127.0.1.11:9100", "127.0.2.11:9100"),
        new PairInfo("p2", io.dyad.coordinator.model.MemberKind.STORAGE, "a2", "b2", "127.0.1.12:9100", "127.0.2.12:9100"));
    assertThat(layout.generated()).isEmpty();
    assertThat(layout.cluster().centers()).containsKeys("A", "B");
  }

  @Test
  void centerBMembersCanBeGeneratedFromCenterA() throws Exception {
    ClusterDescription d = new ClusterDescription("gen", TWO_CENTERS,
        List.of(m("a1", "A", "127.0.1.11:9100"), m("a2", "A", "127.0.1.12:9101")),
        List.of(new PairSpec("p1", null, "a1", "b1"), new PairSpec("p2", null, "a2", "b2")));
    ClusterLayout layout = ClusterDescriptionValidator.validate(d);
    assertThat(layout.generated()).containsExactly(
        new MemberInfo("b1", io.dyad.coordinator.model.MemberKind.STORAGE, "B", "127.0.2.11:9100", null),
        new MemberInfo("b2", io.dyad.coordinator.model.MemberKind.STORAGE, "B", "127.0.2.12:9101", null));
    assertThat(layout.pairs().get(1).bAddress()).isEqualTo("127.0.2.12:9101");
  }

  @Test
  void aPairInsideOneCenterNeedsNoSubnetMapping() throws Exception {
    ClusterDescription d = new ClusterDescription("one-site", Map.of("A", new CenterSpec("10.0.0.0/8", null)),
        List.of(m("n1", "A", "10.0.0.1:9100"), m("n2", "A", "10.9.9.9:9100")), List.of(new PairSpec("p1", null, "n1", "n2")));
    assertThat(ClusterDescriptionValidator.validate(d).pairs()).hasSize(1);
  }

  @Test
  void eachKindOfFaultIsRefusedWithAMessageNamingIt() {
    assertRefused(new ClusterDescription(null, TWO_CENTERS, good().members(), good().pairs()), "no name");
    assertRefused(new ClusterDescription("x", Map.of(), good().members(), good().pairs()), "no storage centers");
    assertRefused(new ClusterDescription("x", Map.of("A", new CenterSpec("127.0.1.0/24", null), "B", new CenterSpec("127.0.2.0", null)),
        good().members(), good().pairs()), "center B: subnet '127.0.2.0' is not in CIDR form");
    assertRefused(with(ms -> ms.add(m("a1", "A", "127.0.1.99:9100")), ps -> { }), "member a1 is declared twice");
    assertRefused(with(ms -> ms.set(0, m("a1", "C", "127.0.1.11:9100")), ps -> { }), "names center 'C'");
    assertRefused(with(ms -> ms.set(0, m("a1", "A", "not-an-address")), ps -> { }), "address 'not-an-address' is not IP:PORT");
    assertRefused(with(ms -> ms.set(0, m("a1", "A", "127.0.1.11")), ps -> { }), "is not IP:PORT");
    assertRefused(with(ms -> ms.set(0, m("a1", "A", "127.0.9.11:9100")), ps -> { }), "outside center A's subnet");
    assertRefused(with(ms -> ms.set(2, m("a2", "A", "127.0.1.11:9100")), ps -> { }), "same address");
    assertRefused(with(ms -> ms.set(0, new MemberSpec("a1", "tape", "A", "127.0.1.11:9100", null)), ps -> { }),
        "unknown member kind 'tape'");
    assertRefused(with(ms -> { }, ps -> ps.add(new PairSpec("p3", null, "a1", "b2"))), "pairs must be one-to-one");
    assertRefused(with(ms -> ms.add(m("a3", "A", "127.0.1.13:9100")), ps -> { }), "member a3 is in no pair");
    assertRefused(with(ms -> { }, ps -> ps.set(0, new PairSpec("p1", null, "zz", "b1"))), "member a 'zz' is not declared");
    assertRefused(with(ms -> { }, ps -> ps.set(0, new PairSpec("p1", null, "a1", "a1"))), "two different members");
    assertRefused(with(ms -> ms.set(1, m("b1", "B", "127.0.2.99:9100")), ps -> { }),
        "differs from a1's 127.0.1.11:9100 in more than the subnet portion (expected 127.0.2.11:9100)");
    assertRefused(with(ms -> ms.set(1, m("b1", "B", "127.0.2.11:9200")), ps -> { }), "in more than the subnet portion");
    assertRefused(with(ms -> ms.set(1, new MemberSpec("b1", "directory", "B", "127.0.2.11:9100", null)), ps -> { }),
        "mixes a storage member");
    assertRefused(with(ms -> { }, ps -> ps.set(0, new PairSpec("p1", "directory", "a1", "b1"))),
        "declared directory but its members are storage");
    assertRefused(with(ms -> { }, ps -> ps.add(new PairSpec("p1", null, "a1", "b1"))), "pair p1 is declared twice");
  }

  @Test
  void yamlTyposAndMissingFilesAreReportedClearly(@TempDir Path dir) throws Exception {
    Path typo = Files.writeString(dir.resolve("typo.yaml"), "name: x\ncenters:\n  A: {subnet: 10.0.0.0/8}\nmembrs: []\n");
    assertThatThrownBy(() -> ClusterDescription.load(typo))
        .hasMessageContaining("unknown field 'membrs' (known: centers, members, name, pairs)");
    Path nested = Files.writeString(dir.resolve("nested.yaml"),
        "name: x\nmembers:\n  - {id: a1, center: A, adress: 127.0.1.1:1}\n");
    assertThatThrownBy(() -> ClusterDescription.load(nested)).hasMessageContaining("unknown field 'adress' in members[0]");
    Path broken = Files.writeString(dir.resolve("broken.yaml"), "name: [unclosed\n");
    assertThatThrownBy(() -> ClusterDescription.load(broken)).hasMessageContaining("is not valid");
    assertThatThrownBy(() -> ClusterDescription.load(dir.resolve("missing.yaml"))).hasMessageContaining("does not exist");
  }

  @Test
  void theShippedExampleIsValid() throws Exception {
    Path example = Path.of("..", "cli", "src", "main", "dist", "conf", "cluster-example.yaml");
    ClusterLayout layout = ClusterDescriptionValidator.validate(ClusterDescription.load(example));
    assertThat(layout.pairs()).hasSize(3);
    assertThat(layout.members().stream().filter(m -> m.id().equals("b3")).findFirst().orElseThrow().adminAddress())
        .as("a generated partner's admin address is mapped too")
        .isEqualTo("127.0.2.13:9190");
  }
}
