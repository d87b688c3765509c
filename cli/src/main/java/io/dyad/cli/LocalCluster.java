package io.dyad.cli;

import com.codahale.metrics.MetricRegistry;
import com.google.common.net.HostAndPort;
import com.google.common.util.concurrent.AbstractIdleService;
import com.google.common.util.concurrent.Service;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.access.ClusterSecret;
import io.dyad.common.access.Locator;
import io.dyad.common.access.Locators;
import io.dyad.coordinator.Coordination;
import io.dyad.coordinator.ZkSession;
import io.dyad.coordinator.admin.ClusterDescription;
import io.dyad.coordinator.admin.ClusterDescription.CenterSpec;
import io.dyad.coordinator.admin.ClusterDescription.MemberSpec;
import io.dyad.coordinator.admin.ClusterDescription.PairSpec;
import io.dyad.coordinator.admin.ClusterDescriptionValidator;
import io.dyad.coordinator.failover.CoordinatorAssembly;
import io.dyad.coordinator.failover.CoordinatorConfig;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.coordinator.zk.ZkConfig;
import io.dyad.coordinator.zk.ZkTls;
import io.dyad.ddm.gateway.Ddm;
import io.dyad.ddm.gateway.DdmAssembly;
import io.dyad.ddm.gateway.DdmConfig;
import io.dyad.ddm.gateway.VolumeSearchConfig;
import io.dyad.directory.server.DirectoryAssembly;
import io.dyad.directory.server.DirectoryConfig;
import io.dyad.directory.server.DirectoryMember;
import io.dyad.dosm.Dosm;
import io.dyad.dosm.DosmAssembly;
import io.dyad.node.StorageNodeAssembly;
import io.dyad.node.server.StorageNodeConfig;
import io.dyad.node.store.StoreConfig;
import io.dyad.rpc.server.ThriftServerConfig;
import io.dyad.rpc.tls.Tls;
import io.dyad.search.MulticastSettings;
import io.dyad.server.tls.DevCertificates;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole cluster on one machine, with access control: an embedded ZooKeeper, center A on 127.0.1.x and center B on
 * 127.0.2.x (three storage nodes and two directory servers each, paired one-to-one, multicast search on loopback with
 * TTL 0), the cluster secret in {@code DATA/secret}, a coordinator, and DOSMs and DDMs (as many of each as asked,
 * so that clients can fail over between them). Storage nodes run in this JVM, or — for fault drills and benchmarks
 * that kill one — as child processes of the distribution's launcher. Started in dependency order, stopped in reverse.
 */
public final class LocalCluster extends AbstractIdleService {
  private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);
  static final List<String> CENTER_A = List.of("a1", "a2", "a3");
  /**
   * {@code dyad local}'s members' session timeout and the coordinator's grace: a crashed member is failed over about
   * 2.5 s after it died (see docs/operations.md for the trade-off).
   */
  public static final long DEFAULT_SESSION_MS = 2000;
  public static final long DEFAULT_GRACE_MS = 500;
  static final List<String> DIRECTORIES_A = List.of("da1", "da2");

  /** Where everything goes. */
  public record Options(Path data, int zkPort, int nodePort, int directoryPort, int dosmPort, int ddmPort,
      DosmOptions dosm, boolean nodeProcesses, Duration nodeSession, Duration grace, boolean directoryProcesses,
      boolean tls, int gateways, int ddms) {

    public Options(Path data, int zkPort, int nodePort, int directoryPort, int dosmPort, int ddmPort,
        DosmOptions dosm, boolean nodeProcesses, Duration nodeSession, Duration grace, boolean directoryProcesses,
        boolean tls) {
      this(data, zkPort, nodePort, directoryPort, dosmPort, ddmPort, dosm, nodeProcesses, nodeSession, grace,
          directoryProcesses, tls, 1, 1);
    }

    /**
     * The {@code dyad local} layout on ports free right now on every member's address (so that runs never collide),
     * the gateways on any free port: for benchmarks and tests.
     */
    public static Options onFreePorts(Path data, DosmOptions dosm, boolean nodeProcesses, Duration nodeSession,
        Duration grace, boolean directoryProcesses) throws java.io.IOException {
      List<String> nodes = new ArrayList<>();
      List<String> directories = new ArrayList<>();
      for (int i = 1; i <= CENTER_A.size(); i++) {
        nodes.addAll(List.of("127.0.1.1" + i, "127.0.2.1" + i));
      }
      for (int i = 1; i <= DIRECTORIES_A.size(); i++) {
        directories.addAll(List.of("127.0.1.2" + i, "127.0.2.2" + i));
      }
      return new Options(data, FreePorts.freeOnAll("127.0.0.1"), FreePorts.freeOnAll(nodes.toArray(String[]::new)),
          FreePorts.freeOnAll(directories.toArray(String[]::new)), 0, 0, dosm, nodeProcesses, nodeSession, grace,
          directoryProcesses, false);
    }

    /** The same, with the directory servers as child processes too (so that one can be killed). */
    public Options withDirectoryProcesses() {
      return new Options(data, zkPort, nodePort, directoryPort, dosmPort, ddmPort, dosm, nodeProcesses, nodeSession,
          grace, true, tls, gateways, ddms);
    }

    /** The same, with {@code count} DOSMs (the first on {@code dosmPort}, the others on the ports after it). */
    public Options withGateways(int count) {
      return new Options(data, zkPort, nodePort, directoryPort, dosmPort, ddmPort, dosm, nodeProcesses, nodeSession,
          grace, directoryProcesses, tls, count, ddms);
    }

    /** The same, with {@code count} DDMs (the first on {@code ddmPort}, the others on the ports after it). */
    public Options withDdms(int count) {
      return new Options(data, zkPort, nodePort, directoryPort, dosmPort, ddmPort, dosm, nodeProcesses, nodeSession,
          grace, directoryProcesses, tls, gateways, count);
    }

    /** The same, with (mutual) TLS on every link of a new cluster, under a development CA in DATA/tls. */
    public Options withTls() {
      return new Options(data, zkPort, nodePort, directoryPort, dosmPort, ddmPort, dosm, nodeProcesses, nodeSession,
          grace, directoryProcesses, true, gateways, ddms);
    }
  }

  private List<String> zkDigests = List.of();
  private final Options options;
  private final PrintWriter out;
  private final List<Service> started = new CopyOnWriteArrayList<>();
  private final List<ZkSession> sessions = new CopyOnWriteArrayList<>();
  private final MemberProcesses processes;
  /** Members running in this JVM (not as processes): their services and ZooKeeper sessions, by member id. */
  private final Map<String, Service> memberServices = new LinkedHashMap<>();
  private final Map<String, ZkSession> memberSessions = new LinkedHashMap<>();
  /** The DOSMs by name, and where each listens (a revived one listens there again). */
  private final Map<String, Dosm> gateways = new LinkedHashMap<>();
  private final Map<String, HostAndPort> gatewayAddresses = new LinkedHashMap<>();
  /** The DDMs by name, and where each listens (a revived one listens there again). */
  private final Map<String, Ddm> ddms = new LinkedHashMap<>();
  private final Map<String, HostAndPort> ddmAddresses = new LinkedHashMap<>();
  private Service zk;
  private ZkSession infra;
  private ClusterView view;
  private Path secretFile;
  private Optional<ClusterSecret> secret = Optional.empty();
  private Optional<DevCertificates.Issued> certificates = Optional.empty();
  private Optional<Tls> tls = Optional.empty();
  private Optional<ZkTls> zkTls = Optional.empty();

  public LocalCluster(Options options, PrintWriter out) {
    this.options = options;
    this.out = out;
    this.processes = new MemberProcesses(options.data().resolve("logs"));
  }

  public String zkConnect() {
    return "127.0.0.1:" + options.zkPort();
  }

  /** The first DOSM's address. */
  public HostAndPort dosmAddress() {
    return gatewayAddresses.values().iterator().next();
  }

  /** Every DOSM's address, by name ({@code local-dosm}, {@code local-dosm-2}, ...). */
  public Map<String, HostAndPort> gatewayAddresses() {
    return Map.copyOf(gatewayAddresses);
  }

  /** The first DDM's address. */
  public HostAndPort ddmAddress() {
    return ddmAddresses.values().iterator().next();
  }

  /** Every DDM's address, by name ({@code local-ddm}, {@code local-ddm-2}, ...). */
  public Map<String, HostAndPort> ddmAddresses() {
    return Map.copyOf(ddmAddresses);
  }

  public ClusterView view() {
    return view;
  }

  /** The cluster secret's file. */
  public Path secretFile() {
    return secretFile;
  }

  /** An operator's credential, signed afresh when asked (what object commands and benchmarks present). */
  public Supplier<String> adminCredential() {
    Optional<Locators> l = secret.map(s -> new Locators(s, Clock.systemUTC()));
    return () -> l.map(x -> x.sign(Locator.Operation.ADMIN, Locator.ANY_OBJECT, Duration.ofMinutes(10))).orElse("");
  }

  /** The environment the commands need, as shell assignments. */
  public String exports() {
    return "DYAD_ZK=" + zkConnect() + " DYAD_GATEWAYS=" + String.join(",",
        gatewayAddresses.values().stream().map(HostAndPort::toString).toList()) + " DYAD_DDM=" + String.join(",",
        ddmAddresses.values().stream().map(HostAndPort::toString).toList())
        + " DYAD_SECRET_FILE=" + secretFile + " DYAD_LOCAL_DATA=" + options.data()
        + certificates.filter(c -> tls.isPresent()).map(c -> " DYAD_TLS_CA=" + c.ca() + " DYAD_TLS_CERT="
            + c.certificate() + " DYAD_TLS_KEY=" + c.key()).orElse("")
        + zkTls.map(z -> " DYAD_ZK_TLS_CA=" + z.trustedCa() + " DYAD_ZK_TLS_KEYSTORE=" + z.keyStore().orElseThrow())
            .orElse("");
  }

  /** The TLS settings of this cluster's daemons, which clients in this JVM may use too; empty: plain links. */
  public Optional<Tls> tls() {
    return tls;
  }

  /** The member processes (members run as processes), by member id. */
  public Map<String, Process> processes() {
    return processes.all();
  }

  static ClusterDescription description(int nodePort) {
    return description(nodePort, "239.255.0.1:9301", "239.255.0.2:9302");
  }

  /** Three pairs a_i/b_i on 127.0.1.1i and 127.0.2.1i, all on {@code nodePort}, with these search groups. */
  static ClusterDescription description(int nodePort, String groupA, String groupB) {
    List<MemberSpec> members = new ArrayList<>();
    List<PairSpec> pairs = new ArrayList<>();
    for (int i = 1; i <= CENTER_A.size(); i++) {
      members.add(new MemberSpec("a" + i, "storage", "A", "127.0.1." + (10 + i) + ":" + nodePort, null));
      pairs.add(new PairSpec("p" + i, "storage", "a" + i, "b" + i));
    }
    return new ClusterDescription("dyad-local",
        Map.of("A", new CenterSpec("127.0.1.0/24", groupA), "B", new CenterSpec("127.0.2.0/24", groupB)),
        members, pairs);
  }

  /** {@link #description(int)} and two directory pairs da_i/db_i on 127.0.1.2i and 127.0.2.2i, on {@code dirPort}. */
  static ClusterDescription localDescription(int nodePort, int dirPort) {
    ClusterDescription d = description(nodePort);
    List<MemberSpec> members = new ArrayList<>(d.members());
    List<PairSpec> pairs = new ArrayList<>(d.pairs());
    for (int i = 1; i <= DIRECTORIES_A.size(); i++) {
      members.add(new MemberSpec("da" + i, "directory", "A", "127.0.1." + (20 + i) + ":" + dirPort, null));
      pairs.add(new PairSpec("dp" + i, "directory", "da" + i, "db" + i));
    }
    return new ClusterDescription(d.name(), d.centers(), members, pairs);
  }

  private void print(String format, Object... args) {
    out.printf(format + "%n", args);
    out.flush();
  }

  private <S extends Service> S start(S s) {
    s.startAsync().awaitRunning();
    started.add(s);
    return s;
  }

  private ZkSession session(Duration sessionTimeout) throws DyadException {
    ZkSession s = ZkSession.connect(zkConfig().withSessionTimeout(sessionTimeout)
        .withConnectTimeout(Duration.ofSeconds(30)));
    sessions.add(s);
    return s;
  }

  /** How this cluster's daemons connect to its ZooKeeper: as the identity derived from the secret. */
  public ZkConfig zkConfig() {
    return ZkConfig.of(zkConnect()).withDigests(zkDigests).withTls(zkTls);
  }

  @Override
  protected void startUp() throws Exception {
    Files.createDirectories(options.data());
    Optional<EmbeddedZooKeeper.SecurePort> zkSecure = Optional.empty();
    if (options.tls()) {
      // ZooKeeper too serves TLS only: the certificates come before everything
      DevCertificates.Issued issued = issueCertificates();
      Path bundle = LocalCertificates.zooKeeperBundle(issued);
      zkSecure = Optional.of(new EmbeddedZooKeeper.SecurePort(bundle, issued.ca()));
      zkTls = Optional.of(new ZkTls(issued.ca(), Optional.of(bundle), Optional.empty()));
    }
    Path zkData = options.data().resolve("zk");
    String home = System.getProperty("dyad.home");
    // from the distribution, ZooKeeper runs as a process with its own small heap: no other role's memory can take it
    // down; without the launcher (a test in this JVM), in this JVM
    zk = start(home != null
        ? new ZooKeeperProcess(Path.of(home), zkData, options.data().resolve("logs"), options.zkPort(), 200, zkSecure)
        : new EmbeddedZooKeeper(zkData, new InetSocketAddress("127.0.0.1", options.zkPort()), 200, zkSecure));
    print("zookeeper %s (data %s%s; %s)", zkConnect(), zkData, zkSecure.isPresent() ? ", TLS only" : "",
        zk instanceof ZooKeeperProcess p ? "process " + p.process().pid() + ", heap " + ZooKeeperProcess.HEAP
            : "in this JVM");
    secretFile = options.dosm().secret.path().orElse(options.data().resolve("secret")).toAbsolutePath();
    // the secret decides the daemons' ZooKeeper identity (only it may write under /dyad), so it comes first
    ClusterSecret local = ClusterSecret.loadOrCreate(secretFile);
    zkDigests = local.zooKeeperDigests();
    infra = session(Duration.ofSeconds(10));
    view = infra.clusterView();
    start(view);
    if (view.current().cluster().isEmpty()) {
      secret = Optional.of(local);
      infra.initCluster(ClusterDescriptionValidator.validate(localDescription(options.nodePort(),
          options.directoryPort())).withSecretFingerprint(secret.get().fingerprint()).withTls(options.tls()));
      LOG.info("initialised cluster dyad-local");
      int members = 2 * (CENTER_A.size() + DIRECTORIES_A.size());
      if (view.await(s -> !s.pairs().isEmpty() && s.members().size() == members, Duration.ofSeconds(30)).isEmpty()) {
        throw new DyadException(ErrorCode.UNAVAILABLE, "the new cluster did not show up in ZooKeeper");
      }
    } else if (view.current().cluster().get().secretFingerprint() != null) {
      secret = Optional.of(local);
    }
    if (secret.isPresent()) {
      // idempotent: an existing dyad-local data directory from an older version gets its root closed too
      infra.closeRoot().ifPresent(o -> print("%s", o.describe()));
    }
    options.dosm().secret.file = secret.isPresent() ? secretFile : null;
    print("access control: %s", secret.isPresent() ? "on (secret " + secretFile + ")" : "off");
    if (view.current().cluster().get().runsTls()) {
      setUpTls();
      print("tls: on, client certificates required (development CA %s)", certificates.get().ca());
    } else {
      print("tls: off (started with --no-tls): traffic between the daemons is readable on the network");
    }
    for (MemberInfo m : view.current().members().values()) {
      if (m.kind() == MemberKind.DIRECTORY) {
        startDirectory(m);
      } else {
        startNode(m);
      }
    }
    start(CoordinatorAssembly.create(new CoordinatorConfig("local-coordinator", options.grace()),
        new Coordination(infra, view)));
    print("coordinator local-coordinator (grace %d ms)", options.grace().toMillis());
    // "ready" means serving: every member admitted (after a restart on existing data, each first collects what its
    // partner holds for it)
    if (view.await(s -> s.members().keySet().stream().allMatch(s::isServing), Duration.ofSeconds(120)).isEmpty()) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "the members did not all come to serve within 120 s");
    }
    for (int i = 1; i <= options.gateways(); i++) {
      String name = i == 1 ? "local-dosm" : "local-dosm-" + i;
      startGateway(name, HostAndPort.fromParts("127.0.0.1", options.dosmPort() == 0 ? 0 : options.dosmPort() + i - 1));
      print("dosm %s %s (search: %s)", name, gatewayAddresses.get(name), options.dosm().search);
    }
    for (int i = 1; i <= options.ddms(); i++) {
      String name = i == 1 ? "local-ddm" : "local-ddm-" + i;
      startDdm(name, HostAndPort.fromParts("127.0.0.1", options.ddmPort() == 0 ? 0 : options.ddmPort() + i - 1));
      print("ddm %s %s (volume search: %s)", name, ddmAddresses.get(name), options.dosm().search);
    }
  }

  private void startDdm(String name, HostAndPort listen) throws DyadException {
    Ddm ddm = DdmAssembly.create(DdmConfig.defaults(name,
        ThriftServerConfig.forChunks(new InetSocketAddress(listen.getHost(), listen.getPort()), 1024 * 1024)
            .withTls(tls), secret)
        .withSearch(new VolumeSearchConfig(options.dosm().search, new MulticastSettings(
            options.dosm().multicastInterface, options.dosm().multicastTtl), Duration.ofMillis(
            options.dosm().searchTimeoutMs))), new Coordination(infra, view), new MetricRegistry());
    start(ddm.service());
    ddms.put(name, ddm);
    InetSocketAddress a = ddm.address();
    ddmAddresses.put(name, HostAndPort.fromParts(a.getAddress().getHostAddress(), a.getPort()));
  }

  private void startGateway(String name, HostAndPort listen) throws DyadException {
    Dosm dosm = DosmAssembly.create(options.dosm().assembly(name, listen), new Coordination(infra, view),
        new MetricRegistry());
    start(dosm.service());
    gateways.put(name, dosm);
    InetSocketAddress a = dosm.address();
    gatewayAddresses.put(name, HostAndPort.fromParts(a.getAddress().getHostAddress(), a.getPort()));
  }

  /**
   * Stops a member the way a crash would, for drills and the tour: a storage node's or directory server's process is
   * killed (SIGKILL); one in this JVM stops serving and its ZooKeeper session closes; a gateway (DOSM or DDM) leaves
   * /dyad at once and cuts its connections, calls in flight unanswered. Nothing else is told: the coordinator declares
   * a member's failover once its grace has passed; clients find a gateway gone when they call it.
   *
   * @return what was done, for the operator
   */
  public String kill(String member) throws DyadException {
    if (processes.get(member) != null) {
      return processes.kill(member);
    }
    Service service = memberServices.containsKey(member) ? memberServices.get(member) : gatewayService(member);
    if (!service.isRunning()) {
      throw new DyadException(ErrorCode.ALREADY_EXISTS, member + " is not running (revive it with --revive)");
    }
    stopQuietly(service);
    started.remove(service);
    ZkSession session = memberSessions.remove(member);
    if (session != null) {
      sessions.remove(session);
      session.close();
    }
    return member + " stopped";
  }

  /** Starts a member stopped by {@link #kill} again on its data; returns once it serves (after its failback). */
  public String revive(String member) throws Exception {
    if (gateways.containsKey(member) || ddms.containsKey(member)) {
      if (gatewayService(member).isRunning()) {
        throw new DyadException(ErrorCode.ALREADY_EXISTS, member + " is running");
      }
      if (ddms.containsKey(member)) {
        startDdm(member, ddmAddresses.get(member));
        return member + " serving on " + ddmAddresses.get(member);
      }
      startGateway(member, gatewayAddresses.get(member));
      return member + " serving on " + gatewayAddresses.get(member);
    }
    MemberInfo m = memberInfo(member);
    Process process = processes.get(member);
    Service service = memberServices.get(member);
    if ((process != null && process.isAlive()) || (service != null && service.isRunning())) {
      throw new DyadException(ErrorCode.ALREADY_EXISTS, member + " is running");
    }
    if (m.kind() == MemberKind.DIRECTORY) {
      startDirectory(m);
    } else {
      startNode(m);
    }
    if (view.await(s -> s.isServing(member), Duration.ofSeconds(120)).isEmpty()) {
      throw new DyadException(ErrorCode.UNAVAILABLE, member + " restarted but did not come back to serve within 120 s");
    }
    return member + " serving again";
  }

  /** A DOSM's or DDM's service. */
  private Service gatewayService(String name) throws DyadException {
    if (ddms.containsKey(name)) {
      return ddms.get(name).service();
    }
    Dosm dosm = gateways.get(name);
    if (dosm == null) {
      memberInfo(name);
      throw new DyadException(ErrorCode.INVALID_ARGUMENT, name + " is not a member of this dyad local");
    }
    return dosm.service();
  }

  private MemberInfo memberInfo(String member) throws DyadException {
    MemberInfo m = view.current().members().get(member);
    if (m == null) {
      throw DyadException.invalidArgument("no member '" + member + "' in this dyad local: storage nodes "
          + String.join(", ", view.current().members().values().stream().filter(x -> x.kind() != MemberKind.DIRECTORY)
              .map(MemberInfo::id).sorted().toList()) + "; directory servers "
          + String.join(", ", view.current().members().values().stream().filter(x -> x.kind() == MemberKind.DIRECTORY)
              .map(MemberInfo::id).sorted().toList()) + "; gateways " + String.join(", ", gateways.keySet())
          + ", " + String.join(", ", ddms.keySet()));
    }
    return m;
  }

  private static void stopQuietly(Service s) {
    try {
      s.stopAsync().awaitTerminated(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("{} did not stop cleanly: {}", s, e.toString());
    }
  }

  private void startDirectory(MemberInfo m) throws Exception {
    Path data = options.data().resolve(m.id());
    if (options.directoryProcesses()) {
      List<String> args = new ArrayList<>(List.of("directory", "--id", m.id(), "--data", data.toString(), "--zk",
          zkConnect(), "--zk-session-ms", Long.toString(options.nodeSession().toMillis()), "--garbage-every-seconds",
          "2", "--multicast-interface", options.dosm().multicastInterface));
      args.addAll(MemberProcesses.followThisProcess());
      if (secret.isPresent()) {
        args.addAll(List.of("--secret-file", secretFile.toString()));
      }
      args.addAll(tlsArguments());
      startProcess(m, args, "directory server " + m.id() + " listening on");
      print("directory %s %s center %s (process %d, data %s)", m.id(), m.address(), m.center(),
          processes.get(m.id()).pid(), data);
      return;
    }
    HostAndPort address = HostAndPort.fromString(m.address());
    DirectoryConfig config = new DirectoryConfig(m.id(), data, ThriftServerConfig.forChunks(
        new InetSocketAddress(address.getHost(), address.getPort()), DirectoryConfig.MAX_REPLY_CHUNK).withWorkers(16)
        .withTls(tls),
        Duration.ofSeconds(5), 1_000_000, Duration.ofSeconds(2), secret);
    ZkSession session = session(options.nodeSession());
    DirectoryMember directory = DirectoryAssembly.create(new DirectoryAssembly.Config(config, m,
        Optional.of(new MulticastSettings(options.dosm().multicastInterface, 0))), new Coordination(session, view),
        new MetricRegistry());
    memberSessions.put(m.id(), session);
    memberServices.put(m.id(), start(directory.service()));
    print("directory %s %s center %s (data %s)", m.id(), m.address(), m.center(), data);
  }

  private void startNode(MemberInfo m) throws Exception {
    Path data = options.data().resolve(m.id());
    if (options.nodeProcesses()) {
      startNodeProcess(m, data);
      print("node %s %s center %s (process %d, data %s)", m.id(), m.address(), m.center(),
          processes.get(m.id()).pid(), data);
      return;
    }
    HostAndPort address = HostAndPort.fromString(m.address());
    StorageNodeConfig plain = StorageNodeConfig.of(m.id(), StoreConfig.defaults(data).withReserveBytes(64L << 20),
        new InetSocketAddress(address.getHost(), address.getPort()));
    StorageNodeConfig config = new StorageNodeConfig(m.id(), plain.store(), plain.server().withTls(tls));
    ZkSession session = session(options.nodeSession());
    StorageNodeAssembly node = StorageNodeAssembly.create(new StorageNodeAssembly.Config(config, m,
        new MulticastSettings(options.dosm().multicastInterface, options.dosm().multicastTtl), Duration.ofSeconds(5),
        secret, false), new Coordination(session, view), new MetricRegistry());
    memberSessions.put(m.id(), session);
    memberServices.put(m.id(), start(node.service()));
    print("node %s %s center %s (data %s)", m.id(), m.address(), m.center(), data);
  }

  /** Starts {@code bin/dyad node} for the member and waits until it serves. */
  Process startNodeProcess(MemberInfo m, Path data) throws IOException, InterruptedException, DyadException {
    List<String> args = new ArrayList<>(List.of("node", "--id", m.id(), "--data", data.toString(), "--zk",
        zkConnect(), "--zk-session-ms", Long.toString(options.nodeSession().toMillis()), "--hint-handoff-seconds", "5",
        "--reserve-mib", "64", "--multicast-interface", options.dosm().multicastInterface));
    args.addAll(MemberProcesses.followThisProcess());
    if (secret.isPresent()) {
      args.addAll(List.of("--secret-file", secretFile.toString()));
    }
    args.addAll(tlsArguments());
    return startProcess(m, args, "storage node " + m.id() + " listening on");
  }

  /**
   * Issues the development certificate every daemon of this cluster presents (one for all: they run as one user on
   * one host), for every address they listen on, unless it exists and is valid for another week; the DOSM and DDM
   * in this JVM take it through their options.
   */
  private void setUpTls() throws DyadException {
    DevCertificates.Issued issued = issueCertificates();
    TlsOptions t = options.dosm().secret.tls;
    t.ca = issued.ca();
    t.certificate = issued.certificate();
    t.key = issued.key();
    t.requireClientCertificates = true;
    tls = t.loadForDaemon("dyad local");
  }

  /** The development certificate of this cluster's addresses, issued unless it is valid for another week. */
  private DevCertificates.Issued issueCertificates() throws DyadException {
    DevCertificates.Issued issued = LocalCertificates.issue(options.data(), options.nodePort(), options.directoryPort());
    certificates = Optional.of(issued);
    return issued;
  }

  private List<String> tlsArguments() {
    List<String> args = new ArrayList<>();
    if (tls.isPresent()) {
      DevCertificates.Issued c = certificates.orElseThrow();
      args.addAll(List.of("--tls-ca", c.ca().toString(), "--tls-cert", c.certificate().toString(), "--tls-key",
          c.key().toString(), "--tls-require-client-cert"));
    }
    zkTls.ifPresent(z -> args.addAll(List.of("--zk-tls-ca", z.trustedCa().toString(), "--zk-tls-keystore",
        z.keyStore().orElseThrow().toString())));
    return args;
  }

  /** Starts (or starts again) the process of a member started as one, on its data; waits until it serves. */
  public Process restartProcess(String member) throws Exception {
    MemberInfo m = view.current().members().get(member);
    if (m.kind() == MemberKind.DIRECTORY) {
      startDirectory(m);
    } else {
      startNodeProcess(m, options.data().resolve(m.id()));
    }
    return processes.get(member);
  }

  /** Starts {@code bin/dyad ARGS} for the member, its output appended to DATA/logs/ID.log, until {@code ready}. */
  private Process startProcess(MemberInfo m, List<String> args, String ready) throws IOException,
      InterruptedException, DyadException {
    return processes.start(m.id(), args, ready);
  }

  @Override
  protected void shutDown() {
    for (int i = started.size() - 1; i >= 0; i--) {
      Service s = started.get(i);
      if (s == zk) {
        processes.stopAll();
        sessions.forEach(ZkSession::close);
      }
      stopQuietly(s);
    }
  }
}
