package io.dyad.cli;

import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import com.google.common.net.HostAndPort;
import io.dyad.client.ClientConfig;
import io.dyad.client.DyadClient;
import io.dyad.common.DyadException;
import io.dyad.common.InventoryPage;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.coordinator.Coordination;
import io.dyad.coordinator.ZkSession;
import io.dyad.coordinator.admin.ClusterDescriptionValidator;
import io.dyad.coordinator.failover.CoordinatorAssembly;
import io.dyad.coordinator.failover.CoordinatorConfig;
import io.dyad.coordinator.failover.CoordinatorService;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.coordinator.zk.ZkConfig;
import io.dyad.dosm.Dosm;
import io.dyad.dosm.DosmAssembly;
import io.dyad.dosm.Placement;
import io.dyad.node.StorageNodeAssembly;
import io.dyad.rpc.StorageNodeClient;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.search.MulticastSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A real two-center cluster for fault tests: an embedded ZooKeeper (100 ms ticks, so sessions can be 2 s), six
 * storage nodes as separate {@code bin/dyad node} processes (killable with SIGKILL, pausable with SIGSTOP; or in this
 * JVM, for classes that kill no node), a coordinator and two DOSMs in this JVM, and a client that finds the DOSMs through ZooKeeper. Every fault is
 * one call: {@link #kill}, {@link #pause}, {@link #resume}, {@link #restart}, {@link #wipe}.
 */
final class TestCluster implements AutoCloseable {
  static final Duration SESSION = Duration.ofSeconds(2);
  static final Duration GRACE = Duration.ofMillis(500);
  static final List<String> MEMBERS = List.of("a1", "a2", "a3", "b1", "b2", "b3");

  /** How to start the cluster: the DOSMs' search mode and extra arguments for every node and every DOSM. */
  record Options(String searchMode, List<String> nodeArgs, List<String> dosmArgs, Duration nodeSession,
      int inProcessDosms, boolean inProcessNodes) {
    static Options of(String searchMode) {
      return new Options(searchMode, List.of(), List.of(), SESSION, 2, false);
    }

    Options withNodeArgs(String... args) {
      return new Options(searchMode, List.of(args), dosmArgs, nodeSession, inProcessDosms, inProcessNodes);
    }

    Options withDosmArgs(String... args) {
      return new Options(searchMode, nodeArgs, List.of(args), nodeSession, inProcessDosms, inProcessNodes);
    }

    /** The nodes' ZooKeeper session timeout (their lease is half of it). */
    Options withNodeSession(Duration session) {
      return new Options(searchMode, nodeArgs, dosmArgs, session, inProcessDosms, inProcessNodes);
    }

    /** How many DOSMs run in the test's JVM (0: the test starts its own, and {@link #client} is null). */
    Options withInProcessDosms(int n) {
      return new Options(searchMode, nodeArgs, dosmArgs, nodeSession, n, inProcessNodes);
    }

    /**
     * The nodes run in the test's JVM, each with its own ZooKeeper session and view, through the same assembly and
     * options as {@code dyad node} — for classes that need no kill -9 or SIGSTOP of a node (a JVM start each costs
     * more CPU than the test itself on two cores). {@link #kill} then stops the node's service and closes its
     * session (a clean stop, not a crash); {@link #pause} and {@link #process} refuse.
     */
    Options withInProcessNodes() {
      return new Options(searchMode, nodeArgs, dosmArgs, nodeSession, inProcessDosms, true);
    }
  }

  final Path dir;
  final int nodePort;
  private final Options options;
  private final int zkPort;
  private EmbeddedZooKeeper zk;
  private final List<ZkSession> sessions = new ArrayList<>();
  private final List<com.google.common.util.concurrent.Service> services = new ArrayList<>();
  private final Map<String, DyadProcess> nodes = new LinkedHashMap<>();
  /** A node running in this JVM ({@link Options#withInProcessNodes}), with its own session and view. */
  private record InProcessNode(StorageNodeAssembly node, ZkSession session, ClusterView view) {}

  private final Map<String, InProcessNode> inProcessNodes = new LinkedHashMap<>();
  private final List<DyadProcess> dosmProcesses = new ArrayList<>();
  final ClusterView view;
  final CoordinatorService coordinator;
  final List<Dosm> dosms = new ArrayList<>();
  final DyadClient client;
  private final ZkSession infra;

  TestCluster(Path dir, String searchMode) throws Exception {
    this(dir, Options.of(searchMode));
  }

  TestCluster(Path dir, Options options) throws Exception {
    this.dir = dir;
    this.options = options;
    String searchMode = options.searchMode();
    zkPort = FreePorts.freeOnAll("127.0.0.1");
    zk = started(newZooKeeper());
    nodePort = FreePorts.freeOnAll("127.0.1.11", "127.0.1.12", "127.0.1.13", "127.0.2.11", "127.0.2.12", "127.0.2.13");
    infra = session();
    int r = ThreadLocalRandom.current().nextInt(1, 250);
    int udpA = freeUdpPort();
    int udpB = freeUdpPort();
    infra.initCluster(ClusterDescriptionValidator.validate(LocalCluster.description(nodePort,
        "239.255." + r + ".1:" + udpA, "239.255." + r + ".2:" + udpB)));
    view = started(infra.clusterView());
    view.await(s -> s.members().size() == 6, Duration.ofSeconds(20)).orElseThrow();
    if (options.inProcessNodes()) {
      for (String m : MEMBERS) {
        startInProcessNode(m);
      }
    } else {
      for (String m : MEMBERS) {
        launchNode(m); // all six start side by side: a JVM's start is mostly waiting
      }
      for (String m : MEMBERS) {
        nodes.get(m).awaitOutput("listening on", Duration.ofSeconds(60));
      }
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> MEMBERS.stream().allMatch(m -> view.current().isLive(m)));
    coordinator = started(CoordinatorAssembly.create(new CoordinatorConfig("test-coordinator", GRACE),
        new Coordination(infra, view)));
    await().atMost(Duration.ofSeconds(60)).until(() -> MEMBERS.stream().allMatch(m -> view.current().isServing(m)));
    for (String id : List.of("d1", "d2").subList(0, options.inProcessDosms())) {
      List<String> args = new ArrayList<>(List.of("--search", searchMode, "--multicast-interface", "lo",
          "--multicast-ttl", "0", "--search-timeout-ms", "300", "--node-timeout-ms", "2000", "--max-chunk-kib", "1024"));
      args.addAll(options.dosmArgs());
      DosmOptions dosmOptions = picocli.CommandLine.populateCommand(new DosmOptions(), args.toArray(new String[0]));
      ZkSession s = session();
      ClusterView v = started(s.clusterView());
      Dosm dosm = DosmAssembly.create(dosmOptions.assembly(id, HostAndPort.fromParts("127.0.0.1", 0)),
          new Coordination(s, v), new MetricRegistry());
      started(dosm.service());
      dosms.add(dosm);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> view.current().dosms().size() == options.inProcessDosms());
    client = options.inProcessDosms() == 0 ? null : DyadClient.connect(ClientConfig.of(List.of(dosmAddress(0))).withChunkBytes(256 * 1024)
        .withThrift(ThriftClientConfig.defaults().withRequestTimeout(Duration.ofSeconds(20))));
  }

  private EmbeddedZooKeeper newZooKeeper() {
    return new EmbeddedZooKeeper(dir.resolve("zk"), new InetSocketAddress("127.0.0.1", zkPort), 100);
  }

  String zkConnect() {
    return "127.0.0.1:" + zkPort;
  }

  /** Stops the ZooKeeper server (every session's connection drops), waits {@code down}, starts it again. */
  void restartZooKeeper(Duration down) {
    zk.stopAsync().awaitTerminated();
    await().pollDelay(down).atMost(down.plusSeconds(1)).until(() -> true); // ZooKeeper stays down this long
    EmbeddedZooKeeper again = newZooKeeper();
    again.startAsync().awaitRunning();
    services.set(services.indexOf(zk), again);
    zk = again;
  }

  private static int freeUdpPort() throws java.io.IOException {
    try (java.net.DatagramSocket s = new java.net.DatagramSocket(0)) {
      return s.getLocalPort();
    }
  }

  HostAndPort dosmAddress(int i) {
    InetSocketAddress a = dosms.get(i).address();
    return HostAndPort.fromParts(a.getAddress().getHostAddress(), a.getPort());
  }

  ZkConfig zkConfig() {
    return ZkConfig.of(zkConnect()).withSessionTimeout(Duration.ofSeconds(10));
  }

  private ZkSession session() throws DyadException {
    ZkSession s = ZkSession.connect(zkConfig());
    sessions.add(s);
    return s;
  }

  private <S extends com.google.common.util.concurrent.Service> S started(S s) {
    s.startAsync().awaitRunning();
    services.add(s);
    return s;
  }

  /** Starts (or starts again) the node of {@code member} on its data directory; returns once it listens. */
  void startNode(String member, String... extraArgs) throws Exception {
    if (options.inProcessNodes()) {
      startInProcessNode(member, extraArgs);
    } else {
      launchNode(member, extraArgs).awaitOutput("listening on", Duration.ofSeconds(60));
    }
  }

  private DyadProcess launchNode(String member, String... extraArgs) throws Exception {
    requireNodeProcesses("starting a node process");
    List<String> args = nodeArguments(member, extraArgs);
    DyadProcess p = DyadProcess.start(dir.resolve("logs"), Map.of("DYAD_HEAP", "-Xmx192m"), args.toArray(new String[0]));
    nodes.put(member, p);
    return p;
  }

  /** The arguments of {@code dyad node} for {@code member}, as the node processes get them. */
  private List<String> nodeArguments(String member, String... extraArgs) {
    List<String> args = new ArrayList<>(List.of("node", "--id", member, "--data", dataDir(member).toString(),
        "--zk", zkConnect(), "--zk-session-ms", Long.toString(options.nodeSession().toMillis()),
        "--hint-handoff-seconds", "2"));
    args.addAll(options.nodeArgs());
    args.addAll(List.of(extraArgs));
    if (!args.contains("--reserve-mib")) {
      args.addAll(List.of("--reserve-mib", "0"));
    }
    return args;
  }

  /** Starts {@code member}'s node in this JVM: its options parsed as {@code dyad node} parses them. */
  private void startInProcessNode(String member, String... extraArgs) throws Exception {
    List<String> args = nodeArguments(member, extraArgs);
    NodeCommand command = picocli.CommandLine.populateCommand(new NodeCommand(),
        args.subList(1, args.size()).toArray(new String[0]));
    MemberInfo declared = view.current().members().get(member);
    ZkSession s = ZkSession.connect(ZkConfig.of(zkConnect()).withSessionTimeout(options.nodeSession()));
    sessions.add(s);
    ClusterView own = started(s.clusterView());
    StorageNodeAssembly node = StorageNodeAssembly.create(new StorageNodeAssembly.Config(
        command.config(HostAndPort.fromString(declared.address())), declared,
        new MulticastSettings(command.multicastInterface, 0), Duration.ofSeconds(command.handoffSeconds),
        Optional.empty(), false), new Coordination(s, own), new MetricRegistry());
    started(node.service());
    inProcessNodes.put(member, new InProcessNode(node, s, own));
  }

  /** Stops a node running in this JVM: its service (server, store), then its view and ZooKeeper session. */
  private void stopInProcessNode(String member) {
    InProcessNode n = inProcessNodes.remove(member);
    for (com.google.common.util.concurrent.Service part : List.of(n.node().service(), n.view())) {
      part.stopAsync().awaitTerminated();
      services.remove(part);
    }
    sessions.remove(n.session());
    n.session().close();
  }

  private void requireNodeProcesses(String what) {
    if (options.inProcessNodes()) {
      throw new IllegalStateException(what + " needs node processes; this cluster runs its nodes in the test's JVM");
    }
  }

  /** Starts {@code bin/dyad dosm} as a process with the given heap; returns it and its address once it serves. */
  DyadProcess startDosmProcess(String id, String heap, String... extraArgs) throws Exception {
    List<String> args = new ArrayList<>(List.of("dosm", "--id", id, "--listen", "127.0.0.1:0", "--zk", zkConnect(),
        "--search", options.searchMode(), "--multicast-interface", "lo", "--multicast-ttl", "0",
        "--node-timeout-ms", "2000"));
    args.addAll(List.of(extraArgs));
    DyadProcess p = DyadProcess.start(dir.resolve("logs"), Map.of("DYAD_HEAP", heap), args.toArray(new String[0]));
    p.awaitOutput("dosm \\S+ listening on", Duration.ofSeconds(60));
    dosmProcesses.add(p);
    return p;
  }

  /** The running process of a node. */
  DyadProcess process(String member) {
    requireNodeProcesses("the process of a node");
    return nodes.get(member);
  }

  Path dataDir(String member) {
    return dir.resolve("nodes").resolve(member);
  }

  /** kill -9 of the node's process; in this JVM, a clean stop of the node (see {@link Options#withInProcessNodes}). */
  void kill(String member) throws InterruptedException {
    if (options.inProcessNodes()) {
      stopInProcessNode(member);
      return;
    }
    nodes.get(member).kill9();
  }

  void pause(String member) throws Exception {
    requireNodeProcesses("pause");
    nodes.get(member).signal("STOP");
  }

  void resume(String member) throws Exception {
    requireNodeProcesses("resume");
    nodes.get(member).signal("CONT");
  }

  void restart(String member, String... extraArgs) throws Exception {
    startNode(member, extraArgs);
  }

  /** What a process supervisor does: kill -9, and start the node again at once on its data directory. */
  void killAndRestartAtOnce(String member, String... extraArgs) throws Exception {
    kill(member);
    restart(member, extraArgs);
  }

  /** Deletes a (stopped) node's data directory: it comes back empty. */
  void wipe(String member) throws Exception {
    com.google.common.io.MoreFiles.deleteRecursively(dataDir(member),
        com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE);
  }

  ClusterSnapshot snapshot() {
    return view.current();
  }

  HostAndPort address(String member) {
    return HostAndPort.fromString(snapshot().members().get(member).address());
  }

  StorageNodeClient node(String member) throws DyadException {
    return StorageNodeClient.connect(address(member), ThriftClientConfig.defaults());
  }

  PairInfo pairOf(ObjectId id) throws DyadException {
    return Placement.pairFor(id, snapshot());
  }

  /** Every entry of a member's inventory, by id. */
  Map<ObjectId, ObjectMeta> inventory(String member) throws DyadException {
    Map<ObjectId, ObjectMeta> all = new LinkedHashMap<>();
    try (StorageNodeClient c = node(member)) {
      String cursor = "";
      while (cursor != null) {
        InventoryPage page = c.inventory(cursor, 5000);
        page.entries().forEach(m -> all.put(m.id(), m));
        cursor = page.nextCursor().orElse(null);
      }
    }
    return all;
  }

  /** Operator holds (dyad admin failover/failback). */
  io.dyad.coordinator.admin.FailoverRequests requests() {
    return infra.failoverRequests();
  }

  /** A raw Thrift client of DOSM {@code i}, for requests the Java client would not send; close its transport. */
  io.dyad.thrift.ObjectGateway.Client rawGateway(int i) throws DyadException {
    return new io.dyad.thrift.ObjectGateway.Client(io.dyad.rpc.ThriftConnections.open(dosmAddress(i),
        ThriftClientConfig.defaults()));
  }

  /** Waits until neither member of the pair holds hints for the other (every degraded write was handed off). */
  void awaitNoHints(String member, String partner, Duration timeout) {
    await().atMost(timeout).until(() -> hintsFor(member, partner) == 0 && hintsFor(partner, member) == 0);
  }

  /** How many hints {@code holder} keeps for {@code lacking} (first page only: zero is what matters). */
  int hintsFor(String holder, String lacking) throws DyadException {
    try (StorageNodeClient c = node(holder)) {
      return c.listHints(lacking, "", 1000).ids().size();
    }
  }

  /**
   * Puts back what a test took away, for classes whose tests share one cluster: releases every failover hold,
   * resumes paused members and starts killed or stopped ones again, then waits until every member serves and no
   * member holds hints for its partner. The coordinator and the DOSMs it does not restore: a test that stops one
   * runs last in its class.
   */
  void restoreEveryMember() throws Exception {
    for (String m : MEMBERS) {
      requests().release(m);
      if (options.inProcessNodes()) {
        if (!inProcessNodes.containsKey(m)) {
          restart(m);
        }
        continue;
      }
      if (process(m).isAlive()) {
        resume(m); // SIGCONT: nothing to a running process
      } else {
        restart(m);
      }
    }
    for (String m : MEMBERS) {
      awaitServing(m, Duration.ofSeconds(90));
    }
    for (String m : MEMBERS) {
      if (m.startsWith("a")) {
        awaitNoHints(m, "b" + m.substring(1), Duration.ofSeconds(60));
      }
    }
  }

  /** Waits until the member is serving again (failed back), after a failover. */
  void awaitServing(String member, Duration timeout) {
    await().atMost(timeout).until(() -> snapshot().isServing(member));
  }

  @Override
  public void close() throws Exception {
    if (client != null) {
      client.close();
    }
    for (DyadProcess p : dosmProcesses) {
      p.close();
    }
    for (int i = services.size() - 1; i >= 0; i--) {
      var s = services.get(i);
      if (s == zk) {
        for (DyadProcess p : nodes.values()) {
          p.close();
        }
        sessions.forEach(ZkSession::close);
      }
      s.stopAsync();
      try {
        s.awaitTerminated(Duration.ofSeconds(20));
      } catch (Exception ignored) {
        // a failed service is stopped too
      }
    }
  }
}
