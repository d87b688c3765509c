package io.dyad.coordinator.admin;

import com.google.common.net.HostAndPort;
import com.google.common.net.InetAddresses;
import io.dyad.common.DyadException;
import io.dyad.coordinator.address.Subnet;
import io.dyad.coordinator.address.SubnetMapper;
import io.dyad.coordinator.admin.ClusterDescription.MemberSpec;
import io.dyad.coordinator.admin.ClusterDescription.PairSpec;
import io.dyad.coordinator.model.ClusterInfo;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.coordinator.model.PairInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Checks a {@link ClusterDescription} and turns it into a {@link ClusterLayout}: every center, member and pair
 * well formed; members unique by id and address and inside their center's subnet; pairs strictly one-to-one
 * (each member in exactly one pair); partner addresses differing only in the subnet portion when both
 * centers declare subnets. Undeclared second members of pairs are generated from their partners.
 */
public final class ClusterDescriptionValidator {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  private final ClusterDescription d;
  private final List<String> problems = new ArrayList<>();
  private final Map<String, Subnet> subnets = new HashMap<>();
  private final Map<String, MemberInfo> members = new LinkedHashMap<>();
  private final List<MemberInfo> generated = new ArrayList<>();
  private final List<PairInfo> pairs = new ArrayList<>();

  private ClusterDescriptionValidator(ClusterDescription d) {
    this.d = d;
  }

  /** Every fault of the description, in the order found; empty if it is valid. */
  public static List<String> problems(ClusterDescription d) {
    ClusterDescriptionValidator v = new ClusterDescriptionValidator(d);
    v.run();
    return List.copyOf(v.problems);
  }

  /** @throws DyadException INVALID_ARGUMENT naming the first fault (and how many more there are) */
  public static ClusterLayout validate(ClusterDescription d) throws DyadException {
    ClusterDescriptionValidator v = new ClusterDescriptionValidator(d);
    v.run();
    if (!v.problems.isEmpty()) {
      String more = v.problems.size() > 1 ? " (and " + (v.problems.size() - 1) + " more)" : "";
      throw DyadException.invalidArgument(v.problems.get(0) + more);
    }
    Map<String, ClusterInfo.CenterInfo> centers = new TreeMap<>();
    d.centers().forEach((name, spec) -> centers.put(name,
        new ClusterInfo.CenterInfo(spec == null ? null : spec.subnet(), spec == null ? null : spec.multicast())));
    return new ClusterLayout(new ClusterInfo(d.name(), ClusterInfo.LAYOUT_VERSION, centers),
        List.copyOf(v.members.values()), List.copyOf(v.pairs), List.copyOf(v.generated));
  }

  private void run() {
    if (d.name() == null || d.name().isBlank()) {
      problems.add("the cluster has no name");
    }
    checkCenters();
    for (MemberSpec m : d.members()) {
      checkMember(m);
    }
    if (members.isEmpty()) {
      problems.add("the cluster declares no members");
    }
    Map<String, String> pairOfMember = new HashMap<>();
    Map<String, Boolean> pairIds = new HashMap<>();
    for (PairSpec p : d.pairs()) {
      checkPair(p, pairOfMember, pairIds);
    }
    for (String id : members.keySet()) {
      if (!pairOfMember.containsKey(id)) {
        problems.add("member " + id + " is in no pair; every member needs exactly one partner");
      }
    }
  }

  private void checkCenters() {
    if (d.centers().isEmpty()) {
      problems.add("the cluster declares no storage centers");
    }
    d.centers().forEach((name, spec) -> {
      if (!NAME.matcher(name).matches()) {
        problems.add("center name '" + name + "' is not valid (letters, digits, '_', '.', '-')");
      }
      if (spec != null && spec.subnet() != null) {
        try {
          subnets.put(name, Subnet.parse(spec.subnet()));
        } catch (DyadException e) {
          problems.add("center " + name + ": " + e.getMessage());
        }
      }
      if (spec != null && spec.multicast() != null) {
        try {
          io.dyad.common.MulticastGroup.parse(spec.multicast());
        } catch (DyadException e) {
          problems.add("center " + name + ": " + e.getMessage());
        }
      }
    });
  }

  private void checkMember(MemberSpec m) {
    if (m == null || m.id() == null || !NAME.matcher(m.id()).matches()) {
      problems.add("member id '" + (m == null ? null : m.id()) + "' is not valid (1-64 letters, digits, '_', '.', '-')");
      return;
    }
    String where = "member " + m.id();
    if (members.containsKey(m.id())) {
      problems.add(where + " is declared twice");
      return;
    }
    MemberKind kind = null;
    try {
      kind = MemberKind.parse(m.kind() == null ? "storage" : m.kind());
    } catch (IllegalArgumentException e) {
      problems.add(where + ": " + e.getMessage());
    }
    if (m.center() == null || !d.centers().containsKey(m.center())) {
      problems.add(where + " names center '" + m.center() + "', which is not declared");
    }
    HostAndPort address = parseAddress(where, "address", m.address());
    if (m.adminAddress() != null) {
      parseAddress(where, "adminAddress", m.adminAddress());
    }
    if (address != null) {
      for (MemberInfo other : members.values()) {
        if (HostAndPort.fromString(other.address()).equals(address)) {
          problems.add(where + " has the same address " + address + " as member " + other.id());
        }
      }
      Subnet subnet = subnets.get(m.center());
      if (subnet != null && !subnet.contains(InetAddresses.forString(address.getHost()))) {
        problems.add(where + ": address " + address + " is outside center " + m.center() + "'s subnet " + subnet);
      }
    }
    if (kind != null && address != null && m.center() != null) {
      members.put(m.id(), new MemberInfo(m.id(), kind, m.center(), address.toString(), m.adminAddress()));
    }
  }

  private HostAndPort parseAddress(String where, String field, String value) {
    try {
      HostAndPort hp = HostAndPort.fromString(value == null ? "" : value);
      if (!hp.hasPort() || !InetAddresses.isInetAddress(hp.getHost())) {
        problems.add(where + ": " + field + " '" + value + "' is not IP:PORT");
        return null;
      }
      return hp;
    } catch (IllegalArgumentException e) {
      problems.add(where + ": " + field + " '" + value + "' is not IP:PORT");
      return null;
    }
  }

  private void checkPair(PairSpec p, Map<String, String> pairOfMember, Map<String, Boolean> pairIds) {
    if (p == null || p.id() == null || !NAME.matcher(p.id()).matches()) {
      problems.add("pair id '" + (p == null ? null : p.id()) + "' is not valid (1-64 letters, digits, '_', '.', '-')");
      return;
    }
    String where = "pair " + p.id();
    if (pairIds.put(p.id(), true) != null) {
      problems.add(where + " is declared twice");
      return;
    }
    MemberInfo a = members.get(p.a());
    if (a == null) {
      problems.add(where + ": member a '" + p.a() + "' is not declared");
      return;
    }
    if (p.b() == null || p.b().equals(p.a())) {
      problems.add(where + " needs two different members (a and b)");
      return;
    }
    MemberInfo b = members.containsKey(p.b()) ? members.get(p.b()) : generatePartner(where, a, p.b());
    if (b == null) {
      return;
    }
    for (MemberInfo m : new MemberInfo[] {a, b}) {
      String previous = pairOfMember.putIfAbsent(m.id(), p.id());
      if (previous != null) {
        problems.add("member " + m.id() + " is in pairs " + previous + " and " + p.id()
            + "; pairs must be one-to-one");
      }
    }
    if (a.kind() != b.kind()) {
      problems.add(where + " mixes a " + a.kind().json() + " member (" + a.id() + ") and a " + b.kind().json()
          + " member (" + b.id() + ")");
      return;
    }
    if (p.kind() != null && !p.kind().equalsIgnoreCase(a.kind().json())) {
      problems.add(where + " is declared " + p.kind() + " but its members are " + a.kind().json());
    }
    checkPartnerAddresses(where, a, b);
    pairs.add(new PairInfo(p.id(), a.kind(), a.id(), b.id(), a.address(), b.address()));
  }

  /** The undeclared member {@code bId}: in the other center, at a's address with the subnet rewritten. */
  private MemberInfo generatePartner(String where, MemberInfo a, String bId) {
    if (!NAME.matcher(bId).matches()) {
      problems.add(where + ": member id '" + bId + "' is not valid");
      return null;
    }
    List<String> others = d.centers().keySet().stream().filter(c -> !c.equals(a.center())).toList();
    if (others.size() != 1) {
      problems.add(where + ": member b '" + bId + "' is not declared, and it cannot be generated without exactly "
          + "one other center");
      return null;
    }
    String otherCenter = others.get(0);
    Subnet from = subnets.get(a.center());
    Subnet to = subnets.get(otherCenter);
    if (from == null || to == null) {
      problems.add(where + ": member b '" + bId + "' is not declared, and it cannot be generated unless centers "
          + a.center() + " and " + otherCenter + " both declare subnets");
      return null;
    }
    try {
      SubnetMapper mapper = new SubnetMapper(from, to);
      HostAndPort address = mapper.map(HostAndPort.fromString(a.address()));
      // its admin port maps the same way (an admin address outside the subnet has no counterpart: none)
      String admin = null;
      if (a.adminAddress() != null) {
        try {
          admin = mapper.map(HostAndPort.fromString(a.adminAddress())).toString();
        } catch (DyadException e) {
          admin = null;
        }
      }
      MemberInfo b = new MemberInfo(bId, a.kind(), otherCenter, address.toString(), admin);
      members.put(bId, b);
      generated.add(b);
      return b;
    } catch (DyadException e) {
      problems.add(where + ": cannot generate member " + bId + ": " + e.getMessage());
      return null;
    }
  }

  private void checkPartnerAddresses(String where, MemberInfo a, MemberInfo b) {
    if (a.center().equals(b.center())) {
      return; // a pair inside one center (claims 6 and 16): nothing to map
    }
    Subnet from = subnets.get(a.center());
    Subnet to = subnets.get(b.center());
    if (from == null || to == null) {
      return;
    }
    try {
      SubnetMapper mapper = new SubnetMapper(from, to);
      HostAndPort expected = mapper.map(HostAndPort.fromString(a.address()));
      if (!mapper.arePartners(HostAndPort.fromString(a.address()), HostAndPort.fromString(b.address()))) {
        problems.add(where + ": " + b.id() + "'s address " + b.address() + " differs from " + a.id() + "'s "
            + a.address() + " in more than the subnet portion (expected " + expected + ")");
      }
    } catch (DyadException e) {
      problems.add(where + ": " + e.getMessage());
    }
  }
}
