package io.dyad.cli;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.admin.ClusterDescription.MemberSpec;
import io.dyad.coordinator.admin.ClusterDescription.PairSpec;
import io.dyad.coordinator.admin.ClusterLayout;
import io.dyad.coordinator.admin.PairAddition;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dyad admin add-pair}: grow a running cluster by a storage or directory pair. */
@Command(name = "add-pair", mixinStandardHelpOptions = true,
    description = "Add a storage or directory pair to a running cluster. The pair joins placement once both of its "
        + "members serve; then the rebalancer moves the objects it now holds to it, in the background.")
final class AdminAddPairCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin SecurityOptions secret;
  @Mixin ZkOptions zk;

  @Option(names = "--id", required = true, paramLabel = "PAIR", description = "The new pair's id, e.g. p4.")
  String pairId;

  @Option(names = "--kind", defaultValue = "storage", paramLabel = "KIND",
      description = "storage or directory (default: ${DEFAULT-VALUE}).")
  String kind;

  @Option(names = "--a", required = true, paramLabel = "MEMBER=HOST:PORT",
      description = "The member in the first center and its Thrift address, e.g. a4=10.1.0.14:9100.")
  String a;

  @Option(names = "--b", required = true, paramLabel = "MEMBER[=HOST:PORT]",
      description = "Its partner in the other center; without an address, the first's with the subnet rewritten.")
  String b;

  @Option(names = "--a-admin", paramLabel = "HOST:PORT", description = "The first member's admin HTTP address.")
  String aAdmin;

  @Option(names = "--b-admin", paramLabel = "HOST:PORT", description = "The partner's admin HTTP address.")
  String bAdmin;

  @Option(names = "--dry-run", description = "Only check and show what would be written.")
  boolean dryRun;

  @Option(names = "--wait-seconds", defaultValue = "0",
      description = "Wait this long for both members to serve and the pair to join placement (default: "
          + "${DEFAULT-VALUE}: do not wait; start the members, then watch 'dyad status').")
  long waitSeconds;

  @Override
  public Integer call() throws Exception {
    LogLevels.forCommand();
    PrintWriter out = spec.commandLine().getOut();
    try (ClusterSession cluster = ClusterSession.open(zk.config(secret.load()))) {
      ClusterSnapshot s = cluster.snapshot();
      List<String> centers = new ArrayList<>(s.cluster().orElseThrow().centers().keySet());
      if (centers.size() != 2) {
        throw DyadException.invalidArgument("the cluster has " + centers.size() + " centers; a pair needs two");
      }
      Member first = Member.parse("--a", a, true);
      Member second = Member.parse("--b", b, false);
      List<MemberSpec> members = new ArrayList<>();
      members.add(new MemberSpec(first.id, kind, centers.get(0), first.address, aAdmin));
      if (second.address != null) {
        members.add(new MemberSpec(second.id, kind, centers.get(1), second.address, bAdmin));
      } else if (bAdmin != null) {
        throw DyadException.invalidArgument("--b-admin needs --b with an address (a generated partner gets the first "
            + "member's admin address with the subnet rewritten)");
      }
      ClusterLayout added = PairAddition.plan(s, members, new PairSpec(pairId, kind, first.id, second.id));
      PairInfo pair = added.pairs().get(0);
      for (MemberInfo m : added.members()) {
        out.printf("member %s (%s) in center %s at %s%s%n", m.id(), m.kind().json(), m.center(), m.address(),
            added.generated().contains(m) ? " (derived from its partner's address)" : "");
      }
      if (dryRun) {
        out.printf("dry run: pair %s (%s, %s) would be added, joining; nothing written%n", pair.id(), pair.a(),
            pair.b());
        out.flush();
        return ExitCodes.OK;
      }
      cluster.zk.addPair(added);
      out.printf("pair %s added (joining): start %s and %s; the pair joins placement once both serve%n", pair.id(),
          pair.a(), pair.b());
      out.flush();
      if (waitSeconds == 0) {
        return ExitCodes.OK;
      }
      if (!cluster.await(now -> now.pairs().containsKey(pairId) && !now.pairs().get(pairId).joining(),
          Duration.ofSeconds(waitSeconds))) {
        throw new DyadException(ErrorCode.UNAVAILABLE, "pair " + pairId + " did not join within " + waitSeconds
            + " s; are both members running, and a coordinator? It joins as soon as both serve");
      }
      out.printf("pair %s joined placement at epoch %d%s%n", pairId, cluster.snapshot().epoch(),
          pair.kind() == io.dyad.coordinator.model.MemberKind.STORAGE
              ? "; the rebalancer moves objects to it now ('dyad status' shows how far it is)"
              : "; new volumes go to the directory pairs holding the fewest");
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** MEMBER=HOST:PORT, or MEMBER alone where the address may be derived. */
  private record Member(String id, String address) {
    static Member parse(String option, String value, boolean addressRequired) throws DyadException {
      int eq = value.indexOf('=');
      if (eq < 0 && addressRequired) {
        throw DyadException.invalidArgument(option + " must be MEMBER=HOST:PORT, was '" + value + "'");
      }
      return eq < 0 ? new Member(value, null) : new Member(value.substring(0, eq), value.substring(eq + 1));
    }
  }
}
