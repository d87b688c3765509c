package io.dyad.coordinator;

import io.dyad.common.DyadException;
import io.dyad.coordinator.admin.ClusterInit;
import io.dyad.coordinator.admin.ClusterLayout;
import io.dyad.coordinator.admin.FailoverRequests;
import io.dyad.coordinator.failover.CoordinatorConfig;
import io.dyad.coordinator.failover.CoordinatorService;
import io.dyad.coordinator.membership.GatewayRegistration;
import io.dyad.coordinator.membership.Registration;
import io.dyad.coordinator.membership.ResyncReporter;
import io.dyad.coordinator.model.GatewayInfo;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.coordinator.view.CuratorClusterView;
import io.dyad.coordinator.volumes.VolumeRegistry;
import io.dyad.coordinator.zk.ZkClients;
import io.dyad.coordinator.zk.ZkConfig;
import io.dyad.coordinator.zk.ZkPaths;
import java.time.Clock;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;

/**
 * One connection to ZooKeeper and the coordinator components built on it. Roles outside this module use
 * this handle and never see Curator: {@code ZkSession.connect(config).clusterView()}, and so on. Closing it
 * closes the connection (stop the components first).
 */
public final class ZkSession implements AutoCloseable {
  private final CuratorFramework client;
  private final ZkConfig config;
  private final Clock clock;

  private ZkSession(CuratorFramework client, ZkConfig config, Clock clock) {
    this.client = client;
    this.config = config;
    this.clock = clock;
  }

  /** @throws DyadException UNAVAILABLE if ZooKeeper cannot be reached within the configured timeout */
  public static ZkSession connect(ZkConfig config) throws DyadException {
    return new ZkSession(ZkClients.connect(config), config, Clock.systemUTC());
  }

  public ZkConfig config() {
    return config;
  }

  /** Whether the connection to ZooKeeper is up now (it reconnects by itself while the session lasts). */
  public boolean isConnected() {
    return client.getZookeeperClient().isConnected();
  }

  /** A (not yet started) watched view of the cluster. */
  public ClusterView clusterView() {
    return new CuratorClusterView(client, config.connectTimeout().plusSeconds(20));
  }

  /** A (not yet started) coordinator deciding from {@code view}. */
  public CoordinatorService coordinator(ClusterView view, CoordinatorConfig coordinatorConfig) {
    return new CoordinatorService(client, view, coordinatorConfig, clock);
  }

  /**
   * A (not yet started) registration of member {@code id} at {@code address}, running on the data directory whose
   * identity {@code dataId} gives.
   */
  public Registration registration(String id, String address, Supplier<String> dataId) {
    return Registration.onZooKeeper(client, id, address, dataId, clock, config.sessionTimeout());
  }

  /** A (not yet started) registration of a live DOSM under /dyad/dosm. */
  public GatewayRegistration dosmRegistration(GatewayInfo info) {
    return new GatewayRegistration(client, ZkPaths.dosm(info.instance()), info, config.connectTimeout());
  }

  /** A (not yet started) registration of a live DDM under /dyad/ddm. */
  public GatewayRegistration ddmRegistration(GatewayInfo info) {
    return new GatewayRegistration(client, ZkPaths.ddm(info.instance()), info, config.connectTimeout());
  }

  public ResyncReporter resyncReporter() {
    return new ResyncReporter(client);
  }

  /** Where volumes are recorded (written by DDMs). */
  public VolumeRegistry volumeRegistry() {
    return VolumeRegistry.onZooKeeper(client);
  }

  public FailoverRequests failoverRequests() {
    return new FailoverRequests(client, clock);
  }

  public void initCluster(ClusterLayout layout) throws DyadException {
    ClusterInit.apply(client, layout, clock);
  }

  /**
   * Closes ZooKeeper's root to creates by anyone but the identities this session authenticated with (the cluster
   * secret's): see {@link io.dyad.coordinator.admin.RootAcl}. Empty, and nothing changed, for a session without
   * them (a cluster without access control has no identity to give the root to).
   */
  public java.util.Optional<io.dyad.coordinator.admin.RootAcl.Outcome> closeRoot() throws DyadException {
    if (config.digests().isEmpty()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(io.dyad.coordinator.admin.RootAcl.close(client, config.digests()));
  }

  /** A (not yet started) candidate for the rebalancer latch. */
  public io.dyad.coordinator.rebalance.RebalancerLatch rebalancerLatch(String id) {
    return io.dyad.coordinator.rebalance.RebalancerLatch.onZooKeeper(client, id);
  }

  /** The rebalancer's progress record. */
  public io.dyad.coordinator.rebalance.RebalanceLedger rebalanceLedger() {
    return io.dyad.coordinator.rebalance.RebalanceLedger.onZooKeeper(client);
  }

  /** Writes the members and joining pair of {@link io.dyad.coordinator.admin.PairAddition#plan}. */
  public void addPair(ClusterLayout added) throws DyadException {
    io.dyad.coordinator.admin.PairAddition.apply(client, added);
  }

  /**
   * Makes the cluster sign with {@code secret}'s first secret and lets both of its identities change Dyad's znodes
   * (a rotation's second step). @return the znodes given the new ACL
   */
  public int promoteSecret(io.dyad.common.access.ClusterSecret secret) throws DyadException {
    return io.dyad.coordinator.admin.SecretSwitch.promote(client, secret);
  }

  /** Lets only {@code secret}'s identity change Dyad's znodes (a rotation's last step). @return znodes changed */
  public int retireSecret(io.dyad.common.access.ClusterSecret secret) throws DyadException {
    return io.dyad.coordinator.admin.SecretSwitch.retire(client, secret);
  }

  @Override
  public void close() {
    client.close();
  }
}
