package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.net.HostAndPort;
import io.dyad.client.ClientConfig;
import io.dyad.client.DyadClient;
import io.dyad.common.ObjectId;
import io.dyad.dosm.DosmConfig;
import io.dyad.rpc.StorageNodeClient;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.rpc.ThriftConnections;
import io.dyad.thrift.InvalidArgument;
import io.dyad.thrift.ObjectGateway;
import io.dyad.thrift.Unavailable;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.thrift.TException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * DOSM processes with 128 MiB heaps under careless and hostile clients, on one cluster for the class. The first test
 * throws everything at once — hundreds of idle connections, frame headers that announce 4 MB and send nothing,
 * clients that trickle a request byte by byte, hundreds of abandoned puts, dozens of concurrent 4 MiB reads — while
 * a well-behaved client's puts and gets keep succeeding. The others each run one attack that used to freeze a
 * gateway (stalled 4 MiB frames, addresses filling the connection cap, abandoned puts filling the nodes' write
 * sessions), and time a well-behaved client from another address through it: its worst put and get are printed
 * ("LATENCY during ..."), and every one of its calls must succeed. Each test has a DOSM of its own, stopped at its end.
 * The attackers come from other addresses (127.0.0.5 and up) than the well-behaved clients.
 */
class HostileClientsIT {
  private static final String ATTACKER = "127.0.0.5";
  private static final int FRAME_TIMEOUT_SECONDS = 3;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS) static Path dir;
  private static TestCluster cluster;
  private final List<Socket> sockets = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = new TestCluster(dir, TestCluster.Options.of(DosmConfig.POINT_TO_POINT).withInProcessDosms(0)
        .withInProcessNodes());
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void closeSockets() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
  }

  private Socket connect(HostAndPort dosm) throws IOException {
    return connect(dosm, ATTACKER);
  }

  private Socket connect(HostAndPort dosm, String from) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(from, 0));
    s.connect(new InetSocketAddress(dosm.getHost(), dosm.getPort()), 5000);
    synchronized (sockets) {
      sockets.add(s);
    }
    return s;
  }

  private static ObjectGateway.Client rawClient(HostAndPort dosm) throws Exception {
    return new ObjectGateway.Client(ThriftConnections.open(dosm, ThriftClientConfig.defaults()
        .withLocalHost(ATTACKER)));
  }

  private static DyadProcess startDosm(String id, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("-Xmx128m", "--max-chunk-kib", "4096"));
    all.addAll(List.of(args));
    return cluster.startDosmProcess(id, all.get(0), all.subList(1, all.size()).toArray(new String[0]));
  }

  private static HostAndPort addressOf(DyadProcess dosm) {
    return HostAndPort.fromString(dosm.awaitOutput("dosm \\S+ listening on (\\S+)", Duration.ofSeconds(5)));
  }

  /** Stops a test's DOSM (it leaves ZooKeeper, so the next test's clients find only their own). */
  private static void stop(DyadProcess dosm) throws InterruptedException {
    if (dosm.isAlive()) {
      dosm.terminate(Duration.ofSeconds(30));
    }
  }

  /** No write session stays open on the nodes once the attack's connections are gone. */
  private static void awaitNoWriteSessionsLeft() {
    for (String member : TestCluster.MEMBERS) {
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        try (StorageNodeClient c = cluster.node(member)) {
          assertThat(c.health().openWriteSessions()).as("write sessions left open on %s", member).isLessThan(10);
        }
      });
    }
  }

  @Test
  void wellBehavedClientsKeepBeingServedWhileOthersHoldConnectionsPutsAndMemory() throws Exception {
    DyadProcess process = startDosm("h1", "--frame-timeout-seconds", Integer.toString(FRAME_TIMEOUT_SECONDS),
        "--max-puts-per-connection", "64",
        // the bound itself is under test here: a slow machine must not expire the first abandoned puts meanwhile
        "--put-idle-seconds-under-pressure", "600", "--put-idle-seconds", "600");
    HostAndPort dosm = addressOf(process);
    try (DyadClient good = DyadClient.connect(ClientConfig.of(List.of(dosm))
        .withThrift(ThriftClientConfig.defaults().withRequestTimeout(Duration.ofSeconds(30))))) {
      Acked acked = new Acked();
      List<ObjectId> big = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        long seed = 77 + i;
        big.add(good.put(Optional.empty(), () -> Streams.generated(seed, 4 << 20), 4 << 20).id());
      }
      for (int i = 0; i < 20; i++) {
        acked.put(good, 120_000 + i);
      }
      try (Workload load = new Workload(good, acked, 2, 2, 1, 121_000_000)) {
        await().atMost(Duration.ofSeconds(30)).until(() -> load.done() > 20);

        for (int i = 0; i < 400; i++) {
          connect(dosm); // idle
        }
        for (int i = 0; i < 300; i++) {
          new DataOutputStream(connect(dosm).getOutputStream()).writeInt(4_000_000); // a header, no body
        }
        List<Socket> tricklers = trickle(dosm, 20);
        List<ObjectGateway.Client> abandoning = abandonPuts(dosm, 4, 64); // 256: the most one address may hold
        ObjectGateway.Client oneMore = rawClient(dosm);
        abandoning.add(oneMore);
        assertThatThrownBy(() -> oneMore.beginPut(-1, "", "")).as("one put too many from one address")
            .isInstanceOf(Unavailable.class);
        List<Future<Integer>> gets = bigReads(dosm, big, 40);

        long done = load.done();
        await().atMost(Duration.ofSeconds(60)).until(() -> load.done() > done + 100);
        for (Future<Integer> g : gets) {
          assertThat(g.get(120, TimeUnit.SECONDS)).as("a 4 MiB read").isEqualTo(4 << 20);
        }
        for (Socket t : tricklers) {
          assertThat(closedByServer(t)).as("a trickling request is cut off after the frame timeout").isTrue();
        }
        for (ObjectGateway.Client c : abandoning) {
          c.getInputProtocol().getTransport().close(); // the DOSM aborts the puts of a closed connection
        }
        long after = load.done();
        await().atMost(Duration.ofSeconds(30)).until(() -> load.done() > after + 50);
        load.close();
        assertThat(load.failures).as("failed requests of the well-behaved client").isEmpty();
      }
      assertThat(process.isAlive()).as("the DOSM survived with its 128 MiB heap").isTrue();
      awaitNoWriteSessionsLeft();
      acked.verifyAll(good);
    } finally {
      stop(process);
    }
  }

  /** Connections that send a request one byte at a time, a byte every 200 ms. */
  private List<Socket> trickle(HostAndPort dosm, int n) throws IOException {
    List<Socket> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Socket s = connect(dosm);
      out.add(s);
      Thread t = new Thread(() -> {
        try {
          OutputStream o = s.getOutputStream();
          o.write(new byte[] {0, 0, 0, 100});
          for (int b = 0; b < 100; b++) {
            o.write(0x42);
            o.flush();
            TimeUnit.MILLISECONDS.sleep(200); // the attacker's pace, not a wait for anything
          }
        } catch (IOException | InterruptedException closed) {
          // the server cut it off: what the test expects
        }
      }, "trickler-" + i);
      t.setDaemon(true);
      t.start();
    }
    return out;
  }

  /** Connections that each open the most puts allowed, send one chunk to each, and then go quiet. */
  private List<ObjectGateway.Client> abandonPuts(HostAndPort dosm, int connections, int perConnection)
      throws Exception {
    List<ObjectGateway.Client> out = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      ObjectGateway.Client raw = rawClient(dosm);
      out.add(raw);
      for (int p = 0; p < perConnection; p++) {
        String putId = raw.beginPut(-1, "abandoned-" + UUID.randomUUID(), "").getPutId();
        raw.putChunk(putId, 0, ByteBuffer.wrap(new byte[100]));
      }
      assertThatThrownBy(() -> raw.beginPut(-1, "", "")).as("one put too many on one connection")
          .isInstanceOf(InvalidArgument.class);
    }
    return out;
  }

  /** Concurrent reads of 4 MiB in one call each; each future gives the bytes received. */
  private List<Future<Integer>> bigReads(HostAndPort dosm, List<ObjectId> ids, int n) {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    AtomicInteger next = new AtomicInteger();
    List<Future<Integer>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(pool.submit(() -> {
        ObjectGateway.Client raw = new ObjectGateway.Client(ThriftConnections.open(dosm,
            ThriftClientConfig.defaults().withLocalHost(ATTACKER).withRequestTimeout(Duration.ofSeconds(90))));
        try {
          ObjectId id = ids.get(next.getAndIncrement() % ids.size());
          return raw.get(id.value(), 0, 4 << 20, "").remaining();
        } finally {
          raw.getInputProtocol().getTransport().close();
        }
      }));
    }
    pool.shutdown();
    return out;
  }

  static boolean closedByServer(Socket s) throws IOException {
    s.setSoTimeout((FRAME_TIMEOUT_SECONDS + 10) * 1000);
    InputStream in = s.getInputStream();
    try {
      return in.read() == -1;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }
  // ---- one attack at a time, a well-behaved client timed through it (issue 20, items 11-13) ----

  /** Bytes the DOSM logged so far (its stderr), to count the lines an attack makes it write. */
  private static long logLines(DyadProcess dosm) throws IOException {
    return dosm.stderr().lines().count();
  }

  @Test
  void stalledFourMebibyteFramesFromOneAddressDoNotHoldUpAnotherAddress() throws Exception {
    DyadProcess process = startDosm("h2"); // the default frame timeout (30 s)
    HostAndPort dosm = addressOf(process);
    try (StalledFrames attack = new StalledFrames(dosm, ATTACKER, 30, 4 << 20)) {
      // a few frames fill the request memory (an eighth of the heap); the others wait to be read
      await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30)).until(() -> attack.sent() >= 3);
      LatencyProbe probe = LatencyProbe.run("30 stalled 4 MiB frames from one address", dosm, "127.0.0.1", 5,
          5L << 20);
      assertThat(probe.failures).as("failed calls of the well-behaved client").isEmpty();
      assertThat(probe.worstPutMillis()).as("the worst put, well under the 30 s frame timeout").isLessThan(15_000);
      assertThat(probe.worstGetMillis()).as("the worst get, well under the 30 s frame timeout").isLessThan(15_000);
      assertThat(process.stderr()).as("the DOSM says its request memory is full").contains("request memory is full");
    } finally {
      stop(process);
    }
  }

  @Test
  void fourAddressesAtTheConnectionCapDoNotLockOutANewAddress() throws Exception {
    DyadProcess process = startDosm("h3"); // 4096 connections, 1024 from one address
    HostAndPort dosm = addressOf(process);
    try (IdleConnections attack = new IdleConnections()) {
      for (String from : List.of("127.0.0.5", "127.0.0.6", "127.0.0.7", "127.0.0.8")) {
        attack.open(dosm, from, 1024);
      }
      LatencyProbe probe = LatencyProbe.run("4 addresses x 1024 idle connections", dosm, "127.0.0.20", 10, 5L << 20);
      assertThat(probe.failures).as("failed calls of a client from a new address").isEmpty();
      // under pressure idle connections are cut long before the usual idle timeout (300 s)
      await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(attack.closedByServer())
          .as("idle connections of the four addresses closed by the DOSM").isGreaterThan(attack.size() / 4));
    } finally {
      stop(process);
    }
  }

  @Test
  void oneAddressAbandoningThousandsOfPutsDoesNotStarveOtherClientsPuts() throws Exception {
    DyadProcess process = startDosm("h4"); // 64 puts per connection, 1024 connections per address
    HostAndPort dosm = addressOf(process);
    long linesBefore = logLines(process);
    AbandonedPuts attack = new AbandonedPuts(dosm, 64, 64);
    try {
      // the nodes' write sessions (1,024 each, 3 pairs) are full once some ~3,100 puts are open, or the DOSM refuses
      await().atMost(Duration.ofMinutes(3)).until(() -> attack.opened.get() >= 3100 || attack.refused.get() > 0);
      LatencyProbe probe = LatencyProbe.run("~4,000 abandoned puts from one address", dosm, "127.0.0.1", 28, 5L << 20);
      long lines = logLines(process) - linesBefore;
      System.out.printf("ABANDONED PUTS: %d opened, %d refused; the DOSM logged %d lines meanwhile%n",
          attack.opened.get(), attack.refused.get(), lines);
      assertThat(probe.failures).as("failed calls of the well-behaved client").isEmpty();
      assertThat(lines).as("log lines the DOSM wrote during the attack (rate-limited)").isLessThan(300);
    } finally {
      attack.close();
    }
    try {
      awaitNoWriteSessionsLeft();
    } finally {
      stop(process);
    }
  }

  /**
   * {@code connections} connections from the attacker, 8 at a time, each opening up to {@code perConnection} puts
   * (sending one small chunk to each) and then going quiet, until closed.
   */
  private static final class AbandonedPuts implements AutoCloseable {
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    private final List<ObjectGateway.Client> clients = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    AbandonedPuts(HostAndPort dosm, int connections, int perConnection) {
      for (int c = 0; c < connections; c++) {
        pool.submit(() -> {
          ObjectGateway.Client raw = rawClient(dosm);
          clients.add(raw);
          for (int p = 0; p < perConnection; p++) {
            try {
              String putId = raw.beginPut(-1, "abandoned-" + UUID.randomUUID(), "").getPutId();
              raw.putChunk(putId, 0, ByteBuffer.wrap(new byte[100]));
              opened.incrementAndGet();
            } catch (TException refusedOrFailed) {
              refused.incrementAndGet();
            }
          }
          return null;
        });
      }
    }

    /** Stops the attack and closes its connections (the DOSM aborts their puts). */
    @Override
    public void close() throws InterruptedException {
      pool.shutdownNow();
      pool.awaitTermination(30, TimeUnit.SECONDS);
      for (ObjectGateway.Client c : clients) {
        c.getInputProtocol().getTransport().close();
      }
    }
  }

  /**
   * Connections from one address that each send all but the last byte of a big frame and then wait; one that the
   * server closes is opened again at once, so the attacker keeps {@code n} frames stalled for as long as it runs.
   */
  private static final class StalledFrames implements AutoCloseable {
    private final List<Socket> open = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger sent = new AtomicInteger();
    private volatile boolean running = true;

    StalledFrames(HostAndPort dosm, String from, int n, int frameBytes) {
      byte[] body = new byte[frameBytes - 1];
      for (int i = 0; i < n; i++) {
        Thread t = new Thread(() -> {
          while (running) {
            try (Socket s = new Socket()) {
              open.add(s);
              s.bind(new InetSocketAddress(from, 0));
              s.connect(new InetSocketAddress(dosm.getHost(), dosm.getPort()), 5000);
              DataOutputStream o = new DataOutputStream(s.getOutputStream());
              o.writeInt(frameBytes);
              o.write(body);
              o.flush();
              sent.incrementAndGet();
              s.getInputStream().read(); // the last byte never comes: wait until the server gives up on it
            } catch (IOException cut) {
              // closed by the server (or by close()): open another while running
            } finally {
              open.removeIf(Socket::isClosed);
            }
          }
        }, "stalled-frame-" + i);
        t.setDaemon(true);
        t.start();
      }
    }

    /** Frames sent whole but for their last byte so far. */
    int sent() {
      return sent.get();
    }

    @Override
    public void close() throws IOException {
      running = false;
      for (Socket s : open) {
        s.close();
      }
    }
  }

  /** Idle connections from several addresses, watched for the server closing them. */
  private static final class IdleConnections implements AutoCloseable {
    private final java.nio.channels.Selector selector;
    private final List<java.nio.channels.SocketChannel> channels = new ArrayList<>();
    private int closed;

    IdleConnections() throws IOException {
      selector = java.nio.channels.Selector.open();
    }

    void open(HostAndPort dosm, String from, int n) throws IOException {
      for (int i = 0; i < n; i++) {
        java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open();
        ch.bind(new InetSocketAddress(from, 0));
        ch.connect(new InetSocketAddress(dosm.getHost(), dosm.getPort()));
        ch.configureBlocking(false);
        ch.register(selector, java.nio.channels.SelectionKey.OP_READ);
        channels.add(ch);
      }
    }

    int size() {
      return channels.size();
    }

    /** How many the server has closed so far. */
    synchronized int closedByServer() throws IOException {
      selector.selectNow();
      ByteBuffer scratch = ByteBuffer.allocate(64);
      for (java.nio.channels.SelectionKey k : selector.selectedKeys()) {
        java.nio.channels.SocketChannel ch = (java.nio.channels.SocketChannel) k.channel();
        int n;
        try {
          n = ch.read(scratch.clear());
        } catch (IOException reset) {
          n = -1;
        }
        if (n < 0) {
          k.cancel();
          closed++;
        }
      }
      selector.selectedKeys().clear();
      return closed;
    }

    @Override
    public void close() throws IOException {
      for (java.nio.channels.SocketChannel ch : channels) {
        ch.close();
      }
      selector.close();
    }
  }
}
