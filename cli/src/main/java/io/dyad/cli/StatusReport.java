package io.dyad.cli;

import io.dyad.coordinator.model.ClusterInfo;
import io.dyad.coordinator.model.FailoverInfo;
import io.dyad.coordinator.model.GatewayInfo;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.model.RebalanceInfo;
import io.dyad.coordinator.model.ResyncInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code dyad status} output: the cluster as tables, or as one JSON document. */
final class StatusReport {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
      .withZone(ZoneId.systemDefault());

  private final ClusterSnapshot s;
  private final Map<String, MemberHealth.Seen> health;

  StatusReport(ClusterSnapshot s) {
    this(s, Map.of());
  }

  /** @param health each member's admin port by id ({@link MemberHealth}); HEALTH and RATES columns if any */
  StatusReport(ClusterSnapshot s, Map<String, MemberHealth.Seen> health) {
    this.s = s;
    this.health = health;
  }

  String table() {
    StringBuilder b = new StringBuilder();
    ClusterInfo c = s.cluster().orElseThrow();
    b.append(String.format("cluster %s   epoch %d   coordinator %s%n%n", c.name(), s.epoch(),
        s.coordinatorLeader().orElse("NONE (no coordinator is running: failover will not be declared)")));
    List<String[]> centers = new ArrayList<>();
    centers.add(new String[] {"CENTER", "SUBNET", "MEMBERS", "LIVE"});
    c.centers().forEach((name, info) -> centers.add(new String[] {name, info.subnet() == null ? "-" : info.subnet(),
        Long.toString(s.members().values().stream().filter(m -> m.center().equals(name)).count()),
        Long.toString(s.members().values().stream().filter(m -> m.center().equals(name) && s.isLive(m.id())).count())}));
    appendTable(b, centers);
    b.append(System.lineSeparator());
    List<String[]> rows = new ArrayList<>();
    boolean withHealth = !health.isEmpty();
    rows.add(withHealth ? new String[] {"PAIR", "KIND", "MEMBER", "CENTER", "ADDRESS", "LIVE", "HEALTH", "STATE",
        "RATES (1 min)"}
        : new String[] {"PAIR", "KIND", "MEMBER", "CENTER", "ADDRESS", "LIVE", "STATE"});
    for (PairInfo p : s.pairs().values()) {
      boolean first = true;
      for (String id : new String[] {p.a(), p.b()}) {
        MemberInfo m = s.members().get(id);
        String pair = p.joining() ? p.id() + " (joining)" : p.id();
        String[] row = {first ? pair : "", first ? p.kind().json() : "", id, m == null ? "?" : m.center(),
            m == null ? "?" : m.address(), s.isLive(id) ? "yes" : "NO", state(id)};
        if (withHealth) {
          MemberHealth.Seen seen = health.getOrDefault(id, new MemberHealth.Seen("-", "-"));
          row = new String[] {row[0], row[1], row[2], row[3], row[4], row[5], seen.health(), row[6], seen.rates()};
        }
        rows.add(row);
        first = false;
      }
    }
    appendTable(b, rows);
    s.rebalance().ifPresent(r -> b.append(System.lineSeparator()).append(rebalanceLine(r))
        .append(System.lineSeparator()));
    if (!s.dosms().isEmpty() || !s.ddms().isEmpty()) {
      b.append(System.lineSeparator());
      List<String[]> gw = new ArrayList<>();
      gw.add(new String[] {"GATEWAY", "INSTANCE", "ADDRESS", "VERSION"});
      s.dosms().values().forEach(g -> gw.add(new String[] {"dosm", g.instance(), g.address(), g.version()}));
      s.ddms().values().forEach(g -> gw.add(new String[] {"ddm", g.instance(), g.address(), g.version()}));
      appendTable(b, gw);
    }
    return b.toString();
  }

  /** The rebalancer's progress in one line. */
  static String rebalanceLine(RebalanceInfo r) {
    String counts = String.format(Locale.ROOT, "%d entries scanned, %d moved (%.1f MiB), %d kept", r.scanned(),
        r.moved(), r.movedBytes() / (double) (1 << 20), r.kept());
    if (r.done()) {
      return String.format("rebalance: done for pairs [%s] at %s after %d pass(es): %s", r.placement(),
          TIME.format(Instant.ofEpochMilli(r.updatedAtMillis())), r.pass(), counts);
    }
    return String.format("rebalance: RUNNING for pairs [%s] by %s, pass %d, reading %s: %s%s", r.placement(), r.by(),
        r.pass(), r.member(), counts, r.waiting() == null ? "" : "; WAITING: " + r.waiting());
  }

  private String state(String member) {
    FailoverInfo f = s.failovers().get(member);
    String held = s.holds().containsKey(member) ? " [held by operator: " + s.holds().get(member).reason() + "]" : "";
    if (f != null) {
      String base = String.format("%s -> %s since %s (%s)", f.state(), f.servedBy(), TIME.format(Instant.ofEpochMilli(f.since())),
          f.reason());
      ResyncInfo r = s.resync().get(member);
      if (r != null && f.state() == io.dyad.coordinator.model.FailoverState.RESYNCING) {
        base += isDirectory(member)
            ? String.format(Locale.ROOT, ", catch-up %s %.1f%% (%d of %d changes)", r.state(), r.percent(),
                r.objectsCopied(), r.objectsTotal())
            : String.format(Locale.ROOT, ", resync %s %.1f%% (%d objects, %d bytes)", r.state(), r.percent(),
                r.objectsCopied(), r.bytesCopied());
        if (r.detail() != null) {
          base += ": " + r.detail();
        }
      }
      return base + held;
    }
    List<String> serving = new ArrayList<>();
    for (FailoverInfo other : s.failovers().values()) {
      if (other.servedBy().equals(member) && other.state() == io.dyad.coordinator.model.FailoverState.FAILED_OVER) {
        serving.add(other.member());
      }
    }
    String base = !s.isLive(member) ? "down (not failed over yet)"
        : s.isServing(member) ? "serving" + role(member)
        : "joining: a new incarnation waits for the coordinator (no reads until it has caught up)";
    return (serving.isEmpty() ? base : base + ", also for " + String.join(", ", serving)) + held;
  }

  private boolean isDirectory(String member) {
    MemberInfo m = s.members().get(member);
    return m != null && m.kind() == io.dyad.coordinator.model.MemberKind.DIRECTORY;
  }

  /** A serving directory server's part in its pair: the primary orders the pair's changes. */
  private String role(String member) {
    if (!isDirectory(member)) {
      return "";
    }
    return io.dyad.directory.api.PairRoles.isPrimary(s, member) ? " (primary)" : " (duplicate)";
  }

  private static void appendTable(StringBuilder b, List<String[]> rows) {
    int[] widths = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        widths[i] = Math.max(widths[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        line.append(i == r.length - 1 ? r[i] : String.format("%-" + (widths[i] + 2) + "s", r[i]));
      }
      b.append(line.toString().stripTrailing()).append(System.lineSeparator());
    }
  }

  Map<String, Object> json() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cluster", s.cluster().orElseThrow());
    out.put("epoch", s.epoch());
    out.put("coordinator", s.coordinatorLeader().orElse(null));
    out.put("members", s.members());
    out.put("live", s.live());
    out.put("pairs", s.pairs());
    out.put("failovers", s.failovers());
    out.put("admitted", s.admitted());
    out.put("holds", s.holds());
    out.put("resync", s.resync());
    out.put("rebalance", s.rebalance().orElse(null));
    out.put("health", health);
    Map<String, Map<String, GatewayInfo>> gateways = new LinkedHashMap<>();
    gateways.put("dosm", s.dosms());
    gateways.put("ddm", s.ddms());
    out.put("gateways", gateways);
    return out;
  }
}
