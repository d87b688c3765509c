package io.dyad.directory.server;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.MetricRegistry;
import com.google.common.net.HostAndPort;
import com.google.common.util.concurrent.AbstractIdleService;
import com.google.common.util.concurrent.Service;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.MulticastGroup;
import io.dyad.common.access.DaemonAuth;
import io.dyad.common.access.Locators;
import io.dyad.common.access.PrivateFiles;
import io.dyad.coordinator.Coordination;
import io.dyad.coordinator.ZkSession;
import io.dyad.coordinator.fencing.MemberGate;
import io.dyad.coordinator.membership.Registration;
import io.dyad.coordinator.model.ClusterInfo;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.startup.AccessControl;
import io.dyad.coordinator.startup.LinkSecurity;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.directory.api.DirectoryClient;
import io.dyad.directory.api.ObjectGatewayClient;
import io.dyad.directory.namespace.NamespaceStore;
import io.dyad.rpc.ConnectionPool;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.rpc.server.ThriftServerService;
import io.dyad.search.GroupResponder;
import io.dyad.search.MulticastSettings;
import io.dyad.search.SearchAuth;
import io.dyad.server.ServiceStack;
import io.dyad.thrift.DirectoryServer;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The directory server role, assembled and started in dependency order: the secret check, the store, the Thrift
 * server, the registration (live only once it serves), catching up, log trimming and the garbage worker, and the
 * multicast search answers; stopped in reverse. The one assembly that {@code dyad directory}, {@code dyad local},
 * the benchmarks and the tests start.
 */
public final class DirectoryAssembly {
  private static final Duration PEER_TIMEOUT = Duration.ofSeconds(5);

  /**
   * @param directory the member's own settings
   * @param member its declaration in the cluster
   * @param multicast how to answer "who holds volume V?" on the center's multicast group, if the center has one
   *     (empty: it answers only {@code findVolume})
   */
  public record Config(DirectoryConfig directory, MemberInfo member, Optional<MulticastSettings> multicast) {
    public Config {
      requireNonNull(directory, "directory");
      requireNonNull(member, "member");
      requireNonNull(multicast, "multicast");
    }
  }

  private DirectoryAssembly() {}

  /**
   * @param coordination a started view (it also gave the member's declaration) on the session it registers on
   * @throws DyadException if its data directory is unusable, or its secret or links' security are not the cluster's
   */
  public static DirectoryMember create(Config settings, Coordination coordination, MetricRegistry metrics)
      throws DyadException {
    DirectoryConfig config = settings.directory();
    MemberInfo member = settings.member();
    Optional<MulticastSettings> multicast = settings.multicast();
    ZkSession zk = coordination.zk();
    ClusterView view = coordination.view();
    String id = config.memberId();
    // only the daemon's user may enter it: the namespace, its snapshots and logs are not for other local users
    try {
      PrivateFiles.ownerOnlyDirectory(config.data(), "the data directory of directory server " + id);
    } catch (IOException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot use the data directory " + config.data()
          + " of directory server " + id + ": " + e, e);
    }
    NamespaceStore store = new NamespaceStore(config.namespaceDir());
    Registration registration = zk.registration(id, member.address(), store::dataId);
    MemberGate gate = new MemberGate(id, registration, view);
    // partners see a member's calls come from its declared address
    ThriftClientConfig peers = ThriftClientConfig.defaults().withRequestTimeout(PEER_TIMEOUT)
        .withLocalHost(HostAndPort.fromString(member.address()).getHost())
        .withCredential("directory " + id, config.secret())
        .withTls(config.server().tls());
    ConnectionPool<DirectoryClient> pool = new ConnectionPool<>(t -> DirectoryClient.connect(t, peers), 16,
        PEER_TIMEOUT, Duration.ofSeconds(30));
    Sequencer sequencer = new Sequencer(id, store, gate, new ThriftPartnerLink(id, store, pool),
        Clock.systemUTC(), config.patience());
    Snapshots snapshots = new Snapshots(store, config.data().resolve("snapshots"), Duration.ofMinutes(10));
    DirectoryHandler handler = new DirectoryHandler(id, store, gate, sequencer, new ReplicaReceiver(id, store, gate),
        snapshots, metrics,
        config.secret().map(s -> new DaemonAuth(s, Clock.systemUTC(), config.acceptUnboundProofs())));
    ThriftServerService server = new ThriftServerService("directory-" + id, new DirectoryServer.Processor<>(handler),
        config.server());
    CatchUp catchUp = new CatchUp(id, store, gate, zk.resyncReporter(), pool,
        new SnapshotInstaller(id, store, config.data().resolve("incoming"), pool), Clock.systemUTC());
    LogTrimmer trimmer = new LogTrimmer(store, config.logRetention(), Duration.ofMinutes(1));
    ConnectionPool<ObjectGatewayClient> dosms = new ConnectionPool<>(t -> ObjectGatewayClient.connect(t, peers), 4,
        PEER_TIMEOUT, Duration.ofSeconds(30));
    AtomicReference<Optional<Locators>> locators = new AtomicReference<>(Optional.empty());
    GarbageWorker garbage = new GarbageWorker(id, store, gate, sequencer, dosms, locators::get, Clock.systemUTC(),
        config.garbageEvery());
    Service housekeeping = new AbstractIdleService() {
      @Override
      protected void startUp() throws Exception {
        LinkSecurity.verify(view.current(), config.server().tls().isPresent(), "directory server " + id);
        locators.set(AccessControl.verify(view.current(), config.secret(), "directory server " + id)
            .map(s -> new Locators(s, Clock.systemUTC())));
        snapshots.clear();
      }

      @Override
      protected void shutDown() {
        pool.close();
        dosms.close();
      }
    };
    List<Service> parts = new ArrayList<>(List.of(housekeeping, store, server, registration, catchUp, trimmer,
        garbage));
    ClusterInfo.CenterInfo center = view.current().cluster().map(c -> c.centers().get(member.center())).orElse(null);
    if (multicast.isPresent() && center != null && center.multicast() != null) {
      parts.add(new GroupResponder("member=" + id, MulticastGroup.parse(center.multicast()), multicast.get(),
          new SearchAuth(config.secret(), Clock.systemUTC()), new VolumeQuestions(id, member.address(), store)));
    }
    return new DirectoryMember(store, server, gate, new ServiceStack("directory-" + id, parts, Duration.ofSeconds(20)));
  }
}
