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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DOSM process with a 128 MiB heap under careless and hostile clients at once — hundreds of idle connections,
 * frame headers that announce 4 MB and send nothing, clients that trickle a request byte by byte, thousands of
 * abandoned puts, dozens of concurrent 4 MiB reads — while a well-behaved client's puts and gets keep succeeding.
 * The attackers come from another address (127.0.0.5) than the well-behaved client.
 */
class HostileClientsIT {
  private static final String ATTACKER = "127.0.0.5";
  private static final int FRAME_TIMEOUT_SECONDS = 3;

  @TempDir Path dir;
  private final List<Socket> sockets = new ArrayList<>();

  private Socket connect(HostAndPort dosm) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(ATTACKER, 0));
    s.connect(new InetSocketAddress(dosm.getHost(), dosm.getPort()), 5000);
    sockets.add(s);
    return s;
  }

  private static ObjectGateway.Client rawClient(HostAndPort dosm) throws Exception {
    return new ObjectGateway.Client(ThriftConnections.open(dosm, ThriftClientConfig.defaults()
        .withLocalHost(ATTACKER)));
  }

  @Test
  void wellBehavedClientsKeepBeingServedWhileOthersHoldConnectionsPutsAndMemory() throws Exception {
    TestCluster.Options options = TestCluster.Options.of(DosmConfig.POINT_TO_POINT).withInProcessDosms(0);
    try (TestCluster cluster = new TestCluster(dir, options)) {
      DyadProcess process = cluster.startDosmProcess("h1", "-Xmx128m", "--max-chunk-kib", "4096",
          "--frame-timeout-seconds", Integer.toString(FRAME_TIMEOUT_SECONDS), "--max-puts-per-connection", "64");
      HostAndPort dosm = HostAndPort.fromString(process.awaitOutput("dosm \\S+ listening on (\\S+)",
          Duration.ofSeconds(5)));
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
          List<ObjectGateway.Client> abandoning = abandonPuts(dosm, 20, 64);
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
        for (String member : TestCluster.MEMBERS) {
          await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            try (StorageNodeClient c = cluster.node(member)) {
              assertThat(c.health().openWriteSessions()).as("write sessions left open on %s", member)
                  .isLessThan(10);
            }
          });
        }
        acked.verifyAll(good);
      }
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
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

  private static boolean closedByServer(Socket s) throws IOException {
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
}
