package io.dyad.ddm.gateway;

import com.codahale.metrics.MetricRegistry;
import com.google.common.util.concurrent.AbstractIdleService;
import com.google.common.util.concurrent.Service;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.access.Locators;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.coordinator.startup.AccessControl;
import io.dyad.coordinator.startup.LinkSecurity;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.coordinator.view.FailoverCutoff;
import io.dyad.coordinator.volumes.VolumeRegistry;
import io.dyad.directory.api.DirectoryClient;
import io.dyad.directory.api.ObjectGatewayClient;
import io.dyad.rpc.ConnectionPool;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.rpc.server.ThriftServerService;
import io.dyad.search.SearchAuth;
import io.dyad.server.ServiceStack;
import io.dyad.thrift.FileSystem;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A DDM: the FileSystem service in front of the directory pairs, registered under /dyad/ddm once it serves. It keeps
 * no state: any DDM serves any volume. {@link #service()} starts the server, then the registration.
 */
public final class Ddm {
  private final ThriftServerService server;
  private final ServiceStack service;

  private Ddm(ThriftServerService server, ServiceStack service) {
    this.server = server;
    this.service = service;
  }

  /**
   * @param view a view of the cluster, started by the caller
   * @param registration makes the /dyad/ddm registration for the address the server bound
   * @throws DyadException INVALID_ARGUMENT if the DDM's secret is not the cluster's (or it lacks one the cluster has)
   */
  public static Ddm create(DdmConfig config, ClusterView view, VolumeRegistry registry, MetricRegistry metrics,
      Function<InetSocketAddress, Service> registration) throws DyadException {
    LinkSecurity.verify(view.current(), config.server().tls().isPresent(), "ddm " + config.instance());
    Optional<Locators> locators = AccessControl.verify(view.current(), config.secret(), "ddm " + config.instance())
        .map(s -> new Locators(s, Clock.systemUTC()));
    Duration idle = Duration.ofSeconds(30);
    // the DDM is a Dyad daemon to the directory servers: its connections authenticate with the cluster secret
    ThriftClientConfig members = config.clients().withCredential("ddm " + config.instance(), config.secret());
    ConnectionPool<DirectoryClient> directories = new ConnectionPool<>(
        t -> DirectoryClient.connect(t, members), 64, config.clients().connectTimeout(), idle);
    ConnectionPool<ObjectGatewayClient> dosms = new ConnectionPool<>(
        t -> ObjectGatewayClient.connect(t, config.clients()), 16, config.clients().connectTimeout(), idle);
    VolumeFinder finder = new VolumeFinder(volumeSearch(config, directories, replyHost(config.server().bindAddress())), Duration.ofSeconds(5));
    VolumeRouter router = new VolumeRouter(view, directories, config.patience(), finder);
    FileSystemHandler handler = new FileSystemHandler(config, view, router, registry,
        new ObjectChecker(view, dosms, locators), locators, Clock.systemUTC(), metrics);
    ThriftServerService server = new ThriftServerService("ddm-" + config.instance(),
        new FileSystem.Processor<>(handler), config.server());
    FailoverCutoff cutoff = new FailoverCutoff("ddm " + config.instance(), view, directories, MemberKind.DIRECTORY);
    // stopped last, after the server: a call still in flight when the DDM stops finishes on open pools (its caller,
    // its connection cut, sends it again elsewhere) instead of failing on closed ones with an error it would believe
    Service resources = new AbstractIdleService() {
      @Override
      protected void startUp() {}

      @Override
      protected void shutDown() {
        finder.close();
        directories.close();
        dosms.close();
      }
    };
    Service registered = new AbstractIdleService() {
      private Service delegate;

      @Override
      protected void startUp() {
        delegate = registration.apply(server.boundAddress());
        delegate.startAsync().awaitRunning();
      }

      @Override
      protected void shutDown() {
        delegate.stopAsync().awaitTerminated();
      }
    };
    return new Ddm(server, new ServiceStack("ddm-" + config.instance(), List.of(resources, cutoff, server, registered),
        Duration.ofSeconds(20)));
  }

  private static VolumeSearch volumeSearch(DdmConfig config, ConnectionPool<DirectoryClient> directories,
      String replyHost) throws DyadException {
    VolumeSearchConfig search = config.search();
    if (search.mode().equals(VolumeSearchConfig.POINT_TO_POINT)) {
      return new PointToPointVolumeSearch(directories, search.timeout());
    }
    try {
      return new MulticastVolumeSearch(search.multicast(), replyHost, new SearchAuth(config.secret(), Clock.systemUTC()),
          search.timeout());
    } catch (IOException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot open the multicast search socket on "
          + search.multicast().interfaceName() + ": " + e.getMessage(), e);
    }
  }

  /** Where directory servers answer a multicast search: the DDM's own address, or loopback if it listens on all. */
  private static String replyHost(InetSocketAddress bind) {
    return bind.getAddress() != null && !bind.getAddress().isAnyLocalAddress() ? bind.getAddress().getHostAddress()
        : "127.0.0.1";
  }

  public ServiceStack service() {
    return service;
  }

  /** Where the FileSystem service listens (with the real port). Valid while running. */
  public InetSocketAddress address() {
    return server.boundAddress();
  }
}
