package io.dyad.coordinator.view;

import io.dyad.coordinator.model.AdminHold;
import io.dyad.coordinator.model.ClusterInfo;
import io.dyad.coordinator.model.FailoverInfo;
import io.dyad.coordinator.model.FailoverState;
import io.dyad.coordinator.model.GatewayInfo;
import io.dyad.coordinator.model.LiveInfo;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.model.ResyncInfo;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The whole cluster as one immutable value: what a router or the coordinator decides from. Maps are sorted
 * by id. {@link #version()} grows with every change the view saw.
 */
public final class ClusterSnapshot {
  public static final ClusterSnapshot EMPTY = new ClusterSnapshot(0, Optional.empty(), Map.of(), Map.of(), Map.of(),
      Map.of(), 0, Map.of(), Map.of(), Map.of(), Map.of(), Optional.empty());

  private final long version;
  private final Optional<ClusterInfo> cluster;
  private final Map<String, MemberInfo> members;
  private final Map<String, LiveInfo> live;
  private final Map<String, PairInfo> pairs;
  private final Map<String, FailoverInfo> failovers;
  private final long epoch;
  private final Map<String, AdminHold> holds;
  private final Map<String, ResyncInfo> resync;
  private final Map<String, GatewayInfo> dosms;
  private final Map<String, GatewayInfo> ddms;
  private final Optional<String> coordinatorLeader;
  private final Map<String, PairInfo> pairByMember;

  public ClusterSnapshot(long version, Optional<ClusterInfo> cluster, Map<String, MemberInfo> members,
      Map<String, LiveInfo> live, Map<String, PairInfo> pairs, Map<String, FailoverInfo> failovers, long epoch,
      Map<String, AdminHold> holds, Map<String, ResyncInfo> resync, Map<String, GatewayInfo> dosms,
      Map<String, GatewayInfo> ddms, Optional<String> coordinatorLeader) {
    this.version = version;
    this.cluster = cluster;
    this.members = sorted(members);
    this.live = sorted(live);
    this.pairs = sorted(pairs);
    this.failovers = sorted(failovers);
    this.epoch = epoch;
    this.holds = sorted(holds);
    this.resync = sorted(resync);
    this.dosms = sorted(dosms);
    this.ddms = sorted(ddms);
    this.coordinatorLeader = coordinatorLeader;
    Map<String, PairInfo> index = new HashMap<>();
    for (PairInfo p : pairs.values()) {
      index.put(p.a(), p);
      index.put(p.b(), p);
    }
    this.pairByMember = Collections.unmodifiableMap(index);
  }

  private static <V> Map<String, V> sorted(Map<String, V> m) {
    return Collections.unmodifiableMap(new TreeMap<>(m));
  }

  public long version() {
    return version;
  }

  public Optional<ClusterInfo> cluster() {
    return cluster;
  }

  public Map<String, MemberInfo> members() {
    return members;
  }

  public Map<String, LiveInfo> live() {
    return live;
  }

  public Map<String, PairInfo> pairs() {
    return pairs;
  }

  public Map<String, FailoverInfo> failovers() {
    return failovers;
  }

  public long epoch() {
    return epoch;
  }

  public Map<String, AdminHold> holds() {
    return holds;
  }

  public Map<String, ResyncInfo> resync() {
    return resync;
  }

  public Map<String, GatewayInfo> dosms() {
    return dosms;
  }

  public Map<String, GatewayInfo> ddms() {
    return ddms;
  }

  /** Id of the coordinator that holds the leader latch, if any. */
  public Optional<String> coordinatorLeader() {
    return coordinatorLeader;
  }

  /** The pair a member belongs to. */
  public Optional<PairInfo> pairOf(String member) {
    return Optional.ofNullable(pairByMember.get(member));
  }

  /** The member's partner, if it is in a pair. */
  public Optional<String> partnerOf(String member) {
    return pairOf(member).map(p -> p.partnerOf(member));
  }

  public boolean isLive(String member) {
    return live.containsKey(member);
  }

  public Optional<FailoverInfo> failover(String member) {
    return Optional.ofNullable(failovers.get(member));
  }

  /** Live and not failed over in any state: a member that serves reads and writes. */
  public boolean isServing(String member) {
    return isLive(member) && !failovers.containsKey(member);
  }

  /** Whether the member takes writes: serving, or resyncing (it takes new writes while it catches up). */
  public boolean takesWrites(String member) {
    FailoverInfo f = failovers.get(member);
    return isLive(member) && (f == null || f.state() == FailoverState.RESYNCING);
  }

  @Override
  public String toString() {
    return "ClusterSnapshot[v" + version + " epoch " + epoch + ", " + members.size() + " members, " + live.size()
        + " live, failovers " + failovers.keySet() + "]";
  }
}
