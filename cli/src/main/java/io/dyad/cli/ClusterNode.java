package io.dyad.cli;

import com.codahale.metrics.MetricRegistry;
import com.google.common.util.concurrent.Service;
import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.server.ServiceStack;
import io.dyad.coordinator.membership.Registration;
import io.dyad.coordinator.model.ClusterInfo;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.coordinator.ZkSession;
import io.dyad.node.cluster.ClusterGate;
import io.dyad.node.cluster.HintSettlement;
import io.dyad.node.cluster.ObjectQuestions;
import io.dyad.node.cluster.Resyncer;
import io.dyad.node.server.StorageNode;
import io.dyad.node.server.StorageNodeConfig;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.common.access.ClusterSecret;
import io.dyad.common.access.DaemonAuth;
import io.dyad.common.access.Locators;
import io.dyad.coordinator.startup.AccessControl;
import io.dyad.coordinator.startup.LinkSecurity;
import io.dyad.search.GroupResponder;
import io.dyad.search.SearchAuth;
import io.dyad.common.MulticastGroup;
import io.dyad.search.MulticastSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A storage node as a cluster member, wired from its parts and started in dependency order: the cluster
 * view (fencing reads it), the node (store, then Thrift server), its registration (live only once it
 * serves), the resyncer, and the multicast search responder if its center has a group.
 */
final class ClusterNode {
  final StorageNode node;
  final ServiceStack service;
  final Registration registration;

  private ClusterNode(StorageNode node, ServiceStack service, Registration registration) {
    this.node = node;
    this.service = service;
    this.registration = registration;
  }

  /**
   * @param view a view on {@code zk}, started already (it also told us the member's declaration)
   */
  static ClusterNode assemble(StorageNodeConfig config, MemberInfo member, ZkSession zk, ClusterView view,
      MulticastSettings multicast, Duration handoffInterval, Optional<ClusterSecret> secret) throws DyadException {
    return assemble(config, member, zk, view, multicast, handoffInterval, secret, new MetricRegistry());
  }

  /** As above, its metrics in {@code metrics}. */
  static ClusterNode assemble(StorageNodeConfig config, MemberInfo member, ZkSession zk, ClusterView view,
      MulticastSettings multicast, Duration handoffInterval, Optional<ClusterSecret> secret, MetricRegistry metrics)
      throws DyadException {
    return assemble(config, member, zk, view, multicast, handoffInterval, secret, metrics, false);
  }

  /** As above; {@code acceptUnboundProofs}: accept member proofs of daemons of an older version (while upgrading). */
  static ClusterNode assemble(StorageNodeConfig config, MemberInfo member, ZkSession zk, ClusterView view,
      MulticastSettings multicast, Duration handoffInterval, Optional<ClusterSecret> secret, MetricRegistry metrics,
      boolean acceptUnboundProofs) throws DyadException {
    // the cluster's secret signs this node's search answers; a node given another secret does not start
    Optional<ClusterSecret> verified = AccessControl.verify(view.current(), secret, "storage node "
        + config.memberId());
    LinkSecurity.verify(view.current(), config.server().tls().isPresent(), "storage node " + config.memberId());
    SearchAuth auth = new SearchAuth(verified, Clock.systemUTC());
    // the store is opened first (the node's service starts it), so its data directory's identity is known
    // by the time the registration runs
    StorageNode[] node = new StorageNode[1];
    Registration registration = zk.registration(config.memberId(), member.address(),
        () -> node[0].store().dataId());
    HintSettlement settlement = new HintSettlement();
    node[0] = StorageNode.create(config, new ClusterGate(config.memberId(), registration, view, settlement,
        verified.map(s -> new DaemonAuth(s, Clock.systemUTC(), acceptUnboundProofs)),
        verified.map(s -> new Locators(s, Clock.systemUTC()))),
        metrics);
    // partners see a member's calls come from its declared address
    ThriftClientConfig peers = ThriftClientConfig.defaults()
        .withLocalHost(HostAndPort.fromString(member.address()).getHost())
        .withCredential("node " + config.memberId(), verified)
        .withTls(config.server().tls());
    Resyncer resyncer = new Resyncer(config.memberId(), node[0].store(), view, registration, zk.resyncReporter(),
        peers, handoffInterval, Clock.systemUTC(), settlement);
    List<Service> parts = new ArrayList<>(List.of(node[0].service(), registration, resyncer));
    ClusterInfo.CenterInfo center = view.current().cluster().map(c -> c.centers().get(member.center())).orElse(null);
    if (center != null && center.multicast() != null) {
      parts.add(new GroupResponder("member=" + config.memberId(), MulticastGroup.parse(center.multicast()), multicast,
          auth, new ObjectQuestions(config.memberId(), node[0].store())));
    }
    return new ClusterNode(node[0], new ServiceStack("member-" + config.memberId(), parts, Duration.ofSeconds(20)),
        registration);
  }
}
