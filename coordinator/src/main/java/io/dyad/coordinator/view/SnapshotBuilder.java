package io.dyad.coordinator.view;

import io.dyad.common.DyadException;
import io.dyad.coordinator.model.AdminHold;
import io.dyad.coordinator.model.AdmittedInfo;
import io.dyad.coordinator.model.ClusterInfo;
import io.dyad.coordinator.model.FailoverInfo;
import io.dyad.coordinator.model.GatewayInfo;
import io.dyad.coordinator.model.LiveInfo;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.model.RebalanceInfo;
import io.dyad.coordinator.model.ResyncInfo;
import io.dyad.coordinator.model.VolumeInfo;
import io.dyad.coordinator.zk.ZkPaths;
import io.dyad.coordinator.zk.ZnodeCodec;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the znodes of a cache (path → data) into a {@link ClusterSnapshot}. A znode that cannot be decoded is
 * left out and logged once, so one bad payload cannot blind every router.
 */
final class SnapshotBuilder {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotBuilder.class);

  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  ClusterSnapshot build(long version, Map<String, byte[]> znodes) {
    Optional<ClusterInfo> cluster = Optional.empty();
    Map<String, MemberInfo> members = new HashMap<>();
    Map<String, LiveInfo> live = new HashMap<>();
    Map<String, PairInfo> pairs = new HashMap<>();
    Map<String, FailoverInfo> failovers = new HashMap<>();
    Map<String, AdminHold> holds = new HashMap<>();
    Map<String, ResyncInfo> resync = new HashMap<>();
    Map<String, GatewayInfo> dosms = new HashMap<>();
    Map<String, GatewayInfo> ddms = new HashMap<>();
    Map<String, VolumeInfo> volumes = new HashMap<>();
    Map<String, AdmittedInfo> admitted = new HashMap<>();
    long epoch = 0;
    Optional<RebalanceInfo> rebalance = Optional.empty();
    String leaderNode = null;
    String leader = null;
    for (Map.Entry<String, byte[]> e : znodes.entrySet()) {
      String path = e.getKey();
      byte[] data = e.getValue();
      String parent = ZkPaths.parent(path);
      String name = ZkPaths.name(path);
      try {
        if (path.equals(ZkPaths.CLUSTER)) {
          cluster = Optional.of(ZnodeCodec.CLUSTER.decode(path, data));
        } else if (path.equals(ZkPaths.EPOCH)) {
          epoch = ZnodeCodec.EPOCH.decode(path, data).epoch();
        } else if (path.equals(ZkPaths.REBALANCE)) {
          rebalance = Optional.of(ZnodeCodec.REBALANCE.decode(path, data));
        } else if (parent.equals(ZkPaths.MEMBERS)) {
          members.put(name, ZnodeCodec.MEMBER.decode(path, data));
        } else if (parent.equals(ZkPaths.LIVE)) {
          live.put(name, ZnodeCodec.LIVE.decode(path, data));
        } else if (parent.equals(ZkPaths.PAIRS)) {
          pairs.put(name, ZnodeCodec.PAIR.decode(path, data));
        } else if (parent.equals(ZkPaths.FAILOVER)) {
          failovers.put(name, ZnodeCodec.FAILOVER.decode(path, data));
        } else if (parent.equals(ZkPaths.ADMIN_HOLDS)) {
          holds.put(name, ZnodeCodec.ADMIN_HOLD.decode(path, data));
        } else if (parent.equals(ZkPaths.RESYNC)) {
          resync.put(name, ZnodeCodec.RESYNC.decode(path, data));
        } else if (parent.equals(ZkPaths.ADMITTED)) {
          admitted.put(name, ZnodeCodec.ADMITTED.decode(path, data));
        } else if (parent.equals(ZkPaths.DOSM)) {
          dosms.put(name, ZnodeCodec.GATEWAY.decode(path, data));
        } else if (parent.equals(ZkPaths.DDM)) {
          ddms.put(name, ZnodeCodec.GATEWAY.decode(path, data));
        } else if (parent.equals(ZkPaths.VOLUMES)) {
          volumes.put(name, ZnodeCodec.VOLUME.decode(path, data));
        } else if (parent.equals(ZkPaths.COORDINATOR_LATCH) && data != null) {
          // LeaderLatch: the participant whose znode has the lowest sequence number leads
          if (leaderNode == null || sequenceOf(name) < sequenceOf(leaderNode)) {
            leaderNode = name;
            leader = new String(data, StandardCharsets.UTF_8);
          }
        }
        reported.remove(path);
      } catch (DyadException ex) {
        if (reported.add(path)) {
          LOG.error("ignoring znode {}: {}", path, ex.getMessage());
        }
      }
    }
    return ClusterSnapshot.builder().version(version).cluster(cluster).members(members).live(live).pairs(pairs)
        .failovers(failovers).admitted(admitted).epoch(epoch).holds(holds).resync(resync).dosms(dosms).ddms(ddms)
        .volumes(volumes).rebalance(rebalance)
        .coordinatorLeader(Optional.ofNullable(leader)).build();
  }

  private static long sequenceOf(String latchNode) {
    int dash = latchNode.lastIndexOf('-');
    try {
      return Long.parseLong(latchNode.substring(dash + 1));
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }
}
