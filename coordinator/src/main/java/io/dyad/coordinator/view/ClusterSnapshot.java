package io.dyad.coordinator.view;

import io.dyad.coordinator.model.AdminHold;
import io.dyad.coordinator.model.AdmittedInfo;
import io.dyad.coordinator.model.ClusterInfo;
import io.dyad.coordinator.model.FailoverInfo;
import io.dyad.coordinator.model.FailoverState;
import io.dyad.coordinator.model.GatewayInfo;
import io.dyad.coordinator.model.LiveInfo;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.model.RebalanceInfo;
import io.dyad.coordinator.model.ResyncInfo;
import io.dyad.coordinator.model.VolumeInfo;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The whole cluster as one immutable value: what a router or the coordinator decides from. Maps are sorted
 * by id. {@link #version()} grows with every change the view saw. Build one with {@link #builder()}.
 *
 * <p>A member <em>serves</em> (reads and writes) when it is live, not failed over, and its live incarnation is the
 * one the coordinator admitted; it <em>takes writes</em> when it serves or is RESYNCING. A live member with a new
 * incarnation that has not been admitted yet (it just restarted) does neither until the coordinator decides.
 */
public final class ClusterSnapshot {
  public static final ClusterSnapshot EMPTY = builder().build();

  private final long version;
  private final Optional<ClusterInfo> cluster;
  private final Map<String, MemberInfo> members;
  private final Map<String, LiveInfo> live;
  private final Map<String, PairInfo> pairs;
  private final Map<String, FailoverInfo> failovers;
  private final Map<String, AdmittedInfo> admitted;
  private final long epoch;
  private final Map<String, AdminHold> holds;
  private final Map<String, ResyncInfo> resync;
  private final Map<String, GatewayInfo> dosms;
  private final Map<String, GatewayInfo> ddms;
  private final Map<String, VolumeInfo> volumes;
  private final Optional<String> coordinatorLeader;
  private final Optional<RebalanceInfo> rebalance;
  private final Map<String, PairInfo> pairByMember;

  private ClusterSnapshot(Builder b) {
    this.version = b.version;
    this.cluster = b.cluster;
    this.members = sorted(b.members);
    this.live = sorted(b.live);
    this.pairs = sorted(b.pairs);
    this.failovers = sorted(b.failovers);
    this.admitted = sorted(b.admitted);
    this.epoch = b.epoch;
    this.holds = sorted(b.holds);
    this.resync = sorted(b.resync);
    this.dosms = sorted(b.dosms);
    this.ddms = sorted(b.ddms);
    this.volumes = sorted(b.volumes);
    this.coordinatorLeader = b.coordinatorLeader;
    this.rebalance = b.rebalance;
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

  public static Builder builder() {
    return new Builder();
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

  /** Per member, the incarnation the coordinator last admitted to serve reads. */
  public Map<String, AdmittedInfo> admitted() {
    return admitted;
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

  /** The volumes of the namespace and their directory pairs, by name. */
  public Map<String, VolumeInfo> volumes() {
    return volumes;
  }

  /** Id of the coordinator that holds the leader latch, if any. */
  public Optional<String> coordinatorLeader() {
    return coordinatorLeader;
  }

  /** The rebalancer's progress ({@code /dyad/rebalance}), if it ever ran. */
  public Optional<RebalanceInfo> rebalance() {
    return rebalance;
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

  /** Whether the member's live incarnation is the one the coordinator admitted. */
  public boolean isAdmitted(String member) {
    LiveInfo l = live.get(member);
    AdmittedInfo a = admitted.get(member);
    return l != null && a != null && a.incarnation() == l.incarnation();
  }

  /** Live, admitted and not failed over: a member that serves reads and writes, and holds all its pair has. */
  public boolean isServing(String member) {
    return isAdmitted(member) && !failovers.containsKey(member);
  }

  /** Whether the member takes writes: serving, or resyncing (it takes new writes while it catches up). */
  public boolean takesWrites(String member) {
    FailoverInfo f = failovers.get(member);
    return f == null ? isServing(member) : isLive(member) && f.state() == FailoverState.RESYNCING;
  }

  @Override
  public String toString() {
    return "ClusterSnapshot[v" + version + " epoch " + epoch + ", " + members.size() + " members, " + live.size()
        + " live, failovers " + failovers.keySet() + "]";
  }

  /** Collects the parts of a snapshot; every map starts empty. Not thread-safe. */
  public static final class Builder {
    private long version;
    private Optional<ClusterInfo> cluster = Optional.empty();
    private Map<String, MemberInfo> members = Map.of();
    private Map<String, LiveInfo> live = Map.of();
    private Map<String, PairInfo> pairs = Map.of();
    private Map<String, FailoverInfo> failovers = Map.of();
    private Map<String, AdmittedInfo> admitted = Map.of();
    private long epoch;
    private Map<String, AdminHold> holds = Map.of();
    private Map<String, ResyncInfo> resync = Map.of();
    private Map<String, GatewayInfo> dosms = Map.of();
    private Map<String, GatewayInfo> ddms = Map.of();
    private Map<String, VolumeInfo> volumes = Map.of();
    private Optional<String> coordinatorLeader = Optional.empty();
    private Optional<RebalanceInfo> rebalance = Optional.empty();

    private Builder() {}

    public Builder version(long v) {
      this.version = v;
      return this;
    }

    public Builder cluster(Optional<ClusterInfo> c) {
      this.cluster = c;
      return this;
    }

    public Builder members(Map<String, MemberInfo> m) {
      this.members = m;
      return this;
    }

    public Builder live(Map<String, LiveInfo> m) {
      this.live = m;
      return this;
    }

    public Builder pairs(Map<String, PairInfo> m) {
      this.pairs = m;
      return this;
    }

    public Builder failovers(Map<String, FailoverInfo> m) {
      this.failovers = m;
      return this;
    }

    public Builder admitted(Map<String, AdmittedInfo> m) {
      this.admitted = m;
      return this;
    }

    public Builder epoch(long e) {
      this.epoch = e;
      return this;
    }

    public Builder holds(Map<String, AdminHold> m) {
      this.holds = m;
      return this;
    }

    public Builder resync(Map<String, ResyncInfo> m) {
      this.resync = m;
      return this;
    }

    public Builder dosms(Map<String, GatewayInfo> m) {
      this.dosms = m;
      return this;
    }

    public Builder ddms(Map<String, GatewayInfo> m) {
      this.ddms = m;
      return this;
    }

    public Builder volumes(Map<String, VolumeInfo> m) {
      this.volumes = m;
      return this;
    }

    public Builder coordinatorLeader(Optional<String> id) {
      this.coordinatorLeader = id;
      return this;
    }

    public Builder rebalance(Optional<RebalanceInfo> r) {
      this.rebalance = r;
      return this;
    }

    public ClusterSnapshot build() {
      return new ClusterSnapshot(this);
    }
  }
}
