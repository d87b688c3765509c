package io.dyad.node;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.MetricRegistry;
import com.google.common.net.HostAndPort;
import com.google.common.util.concurrent.Service;
import io.dyad.common.DyadException;
import io.dyad.common.MulticastGroup;
import io.dyad.common.access.ClusterSecret;
import io.dyad.common.access.DaemonAuth;
import io.dyad.common.access.Locators;
import io.dyad.coordinator.Coordination;
import io.dyad.coordinator.ZkSession;
import io.dyad.coordinator.membership.Registration;
import io.dyad.coordinator.model.ClusterInfo;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.startup.AccessControl;
import io.dyad.coordinator.startup.LinkSecurity;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.node.cluster.ClusterGate;
import io.dyad.node.cluster.HintSettlement;
import io.dyad.node.cluster.ObjectQuestions;
import io.dyad.node.cluster.Resyncer;
import io.dyad.node.server.StorageNode;
import io.dyad.node.server.StorageNodeConfig;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.search.GroupResponder;
import io.dyad.search.MulticastSettings;
import io.dyad.search.SearchAuth;
import io.dyad.server.ServiceStack;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A storage node as a cluster member, wired from its parts and started in dependency order: the node (store, then
 * Thrift server), its registration (live only once it serves), the resyncer, and the multicast search responder if
 * its center has a group. The one assembly that {@code dyad node}, {@code dyad local}, the benchmarks and the tests
 * start.
 */
public final class StorageNodeAssembly {
  /**
   * @param node the node's store and server
   * @param member its declaration in the cluster
   * @param multicast how search datagrams leave and arrive, if its center has a group
   * @param handoffInterval how often a serving node collects what its partner holds hints for
   * @param secret the cluster secret (checked against the cluster's before anything starts)
   * @param acceptUnboundProofs accept member proofs of daemons of an older version (while upgrading)
   */
  public record Config(StorageNodeConfig node, MemberInfo member, MulticastSettings multicast,
      Duration handoffInterval, Optional<ClusterSecret> secret, boolean acceptUnboundProofs) {
    public Config {
      requireNonNull(node, "node");
      requireNonNull(member, "member");
      requireNonNull(multicast, "multicast");
      requireNonNull(handoffInterval, "handoffInterval");
      requireNonNull(secret, "secret");
    }
  }

  private final StorageNode node;
  private final ServiceStack service;
  private final Registration registration;

  private StorageNodeAssembly(StorageNode node, ServiceStack service, Registration registration) {
    this.node = node;
    this.service = service;
    this.registration = registration;
  }

  /** @throws DyadException if its secret or its links' security are not the cluster's */
  public static StorageNodeAssembly create(Config settings, Coordination coordination, MetricRegistry metrics)
      throws DyadException {
    StorageNodeConfig config = settings.node();
    MemberInfo member = settings.member();
    ZkSession zk = coordination.zk();
    ClusterView view = coordination.view();
    // the cluster's secret signs this node's search answers; a node given another secret does not start
    Optional<ClusterSecret> verified = AccessControl.verify(view.current(), settings.secret(), "storage node "
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
        verified.map(s -> new DaemonAuth(s, Clock.systemUTC(), settings.acceptUnboundProofs())),
        verified.map(s -> new Locators(s, Clock.systemUTC()))),
        metrics);
    // partners see a member's calls come from its declared address
    ThriftClientConfig peers = ThriftClientConfig.defaults()
        .withLocalHost(HostAndPort.fromString(member.address()).getHost())
        .withCredential("node " + config.memberId(), verified)
        .withTls(config.server().tls());
    Resyncer resyncer = new Resyncer(config.memberId(), node[0].store(), view, registration, zk.resyncReporter(),
        peers, settings.handoffInterval(), Clock.systemUTC(), settlement);
    List<Service> parts = new ArrayList<>(List.of(node[0].service(), registration, resyncer));
    ClusterInfo.CenterInfo center = view.current().cluster().map(c -> c.centers().get(member.center())).orElse(null);
    if (center != null && center.multicast() != null) {
      parts.add(new GroupResponder("member=" + config.memberId(), MulticastGroup.parse(center.multicast()),
          settings.multicast(), auth, new ObjectQuestions(config.memberId(), node[0].store())));
    }
    return new StorageNodeAssembly(node[0],
        new ServiceStack("member-" + config.memberId(), parts, Duration.ofSeconds(20)), registration);
  }

  /**
   * A storage node outside any cluster: no registration, no fencing, no partner (for {@code dyad node --standalone}
   * and {@code dyad bench node}).
   */
  public static StorageNode standalone(StorageNodeConfig config, MetricRegistry metrics) {
    return StorageNode.create(config, metrics);
  }

  /** The whole member, to start and stop. */
  public ServiceStack service() {
    return service;
  }

  public StorageNode node() {
    return node;
  }

  /** Its registration in ZooKeeper (whose lease says whether it may accept writes). */
  public Registration registration() {
    return registration;
  }
}
