package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.HostAndPort;
import io.dyad.client.ClientConfig;
import io.dyad.client.DyadClient;
import io.dyad.client.FileSystemClient;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.common.access.ClusterSecret;
import io.dyad.common.access.DaemonAuth;
import io.dyad.common.access.Locator;
import io.dyad.common.access.Locators;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.rpc.ThriftConnections;
import io.dyad.rpc.fuzz.RandomThriftCalls;
import io.dyad.rpc.tls.Tls;
import io.dyad.thrift.AccessDenied;
import io.dyad.thrift.FileSystem;
import io.dyad.thrift.InvalidArgument;
import io.dyad.thrift.NotFound;
import io.dyad.thrift.ObjectGateway;
import io.dyad.thrift.StaleEpoch;
import io.dyad.thrift.StorageFull;
import io.dyad.thrift.StorageNode;
import io.dyad.thrift.WriteContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.zip.CRC32C;
import org.apache.thrift.ProcessFunction;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.transport.TMemoryBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile-input suite, against a live cluster as {@code dyad local} runs it (access control, mutual TLS): garbage,
 * plain Thrift, truncated, huge and malformed frames on every kind of port; invalid ids and paths; forged, expired
 * and misused locators; member calls from a client that is not a cluster daemon, and a daemon's write without an
 * epoch; slow clients and a connection flood; thousands of well-formed calls with hostile arguments to the gateways. Each gets a typed error or a closed connection, the daemons keep
 * serving, and the objects and files stored beforehand read back identical at the end. (Forged multicast answers
 * have their own test, ForgedSearchAnswersIT.)
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputIT {
  @TempDir static Path dir;
  private static LocalCluster cluster;
  private static Tls tls;
  private static ThriftClientConfig thrift;
  private static DyadClient objects;
  private static FileSystemClient files;
  private static final Map<ObjectId, Long> storedObjects = new LinkedHashMap<>();
  private static final Map<String, Long> storedFiles = new LinkedHashMap<>();

  @BeforeAll
  static void startAndStore() throws Exception {
    DosmOptions dosm = picocli.CommandLine.populateCommand(new DosmOptions(), "--search", "point-to-point");
    cluster = new LocalCluster(LocalCluster.Options.onFreePorts(dir.resolve("cluster"), dosm, false,
        Duration.ofSeconds(4), Duration.ofSeconds(1), false).withTls(), new PrintWriter(Writer.nullWriter()));
    cluster.startAsync().awaitRunning();
    tls = cluster.tls().orElseThrow();
    thrift = ThriftClientConfig.defaults().withTls(cluster.tls());
    objects = DyadClient.connect(ClientConfig.of(List.of(cluster.dosmAddress())).withThrift(thrift)
        .withCredential(cluster.adminCredential()));
    files = new FileSystemClient(List.of(cluster.ddmAddress()), objects, thrift);
    files.createVolume("kept");
    Random random = new Random(9);
    for (int i = 0; i < 10; i++) {
      byte[] data = new byte[i == 0 ? 0 : random.nextInt(3_000_000)];
      random.nextBytes(data);
      ObjectMeta m = objects.put(Optional.empty(), () -> new ByteArrayInputStream(data), data.length);
      storedObjects.put(m.id(), crc(data));
      files.put("kept", "/f" + i, () -> new ByteArrayInputStream(data), data.length);
      storedFiles.put("/f" + i, crc(data));
    }
  }

  @AfterAll
  static void stop() {
    files.close();
    objects.close();
    cluster.stopAsync().awaitTerminated();
  }

  private static long crc(byte[] b) {
    CRC32C c = new CRC32C();
    c.update(b);
    return c.getValue();
  }

  private static HostAndPort member(String id) {
    return HostAndPort.fromString(cluster.view().current().members().get(id).address());
  }

  private static List<HostAndPort> everyKindOfPort() {
    return List.of(cluster.dosmAddress(), cluster.ddmAddress(), member("a1"), member("db1"));
  }

  private static Socket tcp(HostAndPort target, String from) throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.bind(new InetSocketAddress(from, 0));
    s.connect(new InetSocketAddress(target.getHost(), target.getPort()), 5000);
    return s;
  }

  /** A TLS connection with the cluster's certificate: an insider's client, speaking whatever it likes inside. */
  private static Socket tlsSocket(HostAndPort target) throws IOException {
    return tls.handshake(tcp(target, "127.0.0.1"), target.getHost(), target.getPort(), Duration.ofSeconds(5));
  }

  /** True if the server closes the connection (end of stream or reset) within 15 s, reading whatever it sends. */
  private static boolean closedByServer(Socket s) throws IOException {
    s.setSoTimeout(15_000);
    InputStream in = s.getInputStream();
    byte[] sink = new byte[4096];
    try {
      while (in.read(sink) >= 0) {
        // an alert or an error reply may come first
      }
      return true;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  private static byte[] frame(byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(4 + body.length);
    b.putInt(body.length).put(body);
    return b.array();
  }

  private static byte[] call(String method) throws Exception {
    TMemoryBuffer buffer = new TMemoryBuffer(64);
    TBinaryProtocol p = new TBinaryProtocol(buffer, true, true);
    p.writeMessageBegin(new TMessage(method, TMessageType.CALL, 7));
    p.writeFieldStop();
    p.writeMessageEnd();
    return java.util.Arrays.copyOf(buffer.getArray(), buffer.length());
  }

  /** The reply to one frame: the message type of its header, or -1 if the server closed the connection instead. */
  private static int replyTo(Socket s, byte[] request) throws IOException {
    s.setSoTimeout(15_000);
    s.getOutputStream().write(request);
    s.getOutputStream().flush();
    DataInputStream in = new DataInputStream(s.getInputStream());
    try {
      int size = in.readInt();
      byte[] body = new byte[size];
      in.readFully(body);
      TBinaryProtocol p = new TBinaryProtocol(new TMemoryBuffer(size), true, true);
      ((TMemoryBuffer) p.getTransport()).write(body);
      return p.readMessageBegin().type;
    } catch (IOException closed) {
      return -1;
    } catch (org.apache.thrift.TException unreadable) {
      throw new AssertionError("the server sent a reply that is not Thrift", unreadable);
    }
  }

  @Test
  @Order(1)
  void garbageAndPlainThriftOnEveryTlsPortAreClosed() throws Exception {
    for (HostAndPort port : everyKindOfPort()) {
      try (Socket http = tcp(port, "127.0.0.1")) {
        http.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(closedByServer(http)).as("HTTP on %s", port).isTrue();
      }
      try (Socket plain = tcp(port, "127.0.0.1")) {
        plain.getOutputStream().write(frame(call("ping")));
        assertThat(closedByServer(plain)).as("plain Thrift on %s", port).isTrue();
      }
      try (Socket noise = tcp(port, "127.0.0.1")) {
        byte[] junk = new byte[5000];
        new Random(port.getPort()).nextBytes(junk);
        junk[0] = 0x16; // a TLS handshake record header, with a whole record of nonsense behind it
        junk[1] = 3;
        junk[2] = 3;
        junk[3] = 0;
        junk[4] = (byte) 200;
        noise.getOutputStream().write(junk);
        assertThat(closedByServer(noise)).as("a broken TLS record on %s", port).isTrue();
      }
    }
  }

  @Test
  @Order(2)
  void hugeTruncatedAndMalformedFramesInsideTlsGetATypedErrorOrAClosedConnection() throws Exception {
    for (HostAndPort port : everyKindOfPort()) {
      try (Socket huge = tlsSocket(port)) {
        new DataOutputStream(huge.getOutputStream()).writeInt(Integer.MAX_VALUE);
        assertThat(closedByServer(huge)).as("a 2 GiB frame announced to %s", port).isTrue();
      }
      try (Socket truncated = tlsSocket(port)) {
        DataOutputStream out = new DataOutputStream(truncated.getOutputStream());
        out.writeInt(1000);
        out.write(new byte[10]);
        out.flush(); // and hang up: the server drops the half frame
      }
      try (Socket unknown = tlsSocket(port)) {
        assertThat(replyTo(unknown, frame(call("dropEverything")))).as("an unknown method on %s", port)
            .isEqualTo(TMessageType.EXCEPTION);
        // members answer a stranger's ping with a typed refusal: a reply either way, on the same connection
        assertThat(replyTo(unknown, frame(call("ping")))).as("the connection stays usable on %s", port)
            .isIn((int) TMessageType.REPLY, (int) TMessageType.EXCEPTION);
      }
      Random random = new Random(port.getPort());
      for (int i = 0; i < 20; i++) {
        byte[] body = call("ping");
        byte[] mutated = java.util.Arrays.copyOf(body, body.length + random.nextInt(64));
        for (int flips = 0; flips < 3; flips++) {
          mutated[random.nextInt(mutated.length)] ^= (byte) (1 << random.nextInt(8));
        }
        try (Socket fuzz = tlsSocket(port)) {
          int type = replyTo(fuzz, frame(mutated));
          assertThat(type).as("mutated frame %d on %s", i, port).isIn(-1, (int) TMessageType.REPLY,
              (int) TMessageType.EXCEPTION);
        }
      }
      try (Socket unframed = tlsSocket(port)) {
        unframed.getOutputStream().write(call("ping")); // strict binary without the frame size
        assertThat(closedByServer(unframed)).as("unframed Thrift on %s", port).isTrue();
      }
    }
  }

  @Test
  @Order(3)
  void invalidIdsPathsAndLengthsGetTypedErrors() throws Exception {
    String admin = cluster.adminCredential().get();
    ObjectGateway.Client dosm = new ObjectGateway.Client(ThriftConnections.open(cluster.dosmAddress(), thrift));
    FileSystem.Client ddm = new FileSystem.Client(ThriftConnections.open(cluster.ddmAddress(), thrift));
    try {
      String known = storedObjects.keySet().iterator().next().value();
      for (String id : List.of("", "../../etc/passwd", "a/b", "x".repeat(10_000), "\0", "ünïcode")) {
        assertThatThrownBy(() -> dosm.get(id, 0, 10, admin)).as("id '%s'", id.length() > 20 ? id.substring(0, 20) : id)
            .isInstanceOfAny(InvalidArgument.class, NotFound.class);
      }
      assertThatThrownBy(() -> dosm.get(known, -1, 10, admin)).isInstanceOf(InvalidArgument.class);
      assertThatThrownBy(() -> dosm.get(known, 0, Integer.MAX_VALUE, admin)).isInstanceOf(InvalidArgument.class);
      assertThatThrownBy(() -> dosm.get(known, 0, -5, admin)).isInstanceOf(InvalidArgument.class);
      assertThatThrownBy(() -> dosm.beginPut(-2, "", admin)).isInstanceOf(InvalidArgument.class);
      assertThatThrownBy(() -> dosm.beginPut(Long.MAX_VALUE, "", admin)).as("an announced length no disk holds")
          .isInstanceOf(StorageFull.class);
      assertThatThrownBy(() -> dosm.putChunk("no-such-put", 0, ByteBuffer.allocate(10)))
          .isInstanceOf(NotFound.class);
      for (String path : List.of("", "relative", "/a/../b", "/a//b", "/./a", "/a\0b", "/" + "n".repeat(5000))) {
        assertThatThrownBy(() -> ddm.mkdir("kept", path, true, null)).as("path '%s'", path.length() > 20
            ? path.substring(0, 20) : path).isInstanceOf(InvalidArgument.class);
      }
      for (String requestId : List.of("a b", "a/b", "a\0b", "r".repeat(41), "r".repeat(20_000))) {
        assertThatThrownBy(() -> ddm.rename("kept", "/a", "/b", requestId)).as("request id '%.20s'", requestId)
            .isInstanceOf(InvalidArgument.class);
      }
      assertThatThrownBy(() -> ddm.stat("no/such volume", "/")).isInstanceOfAny(InvalidArgument.class,
          NotFound.class);
      assertThatThrownBy(() -> ddm.listDirectory("kept", "/", "", -1)).isInstanceOf(InvalidArgument.class);
    } finally {
      dosm.getInputProtocol().getTransport().close();
      ddm.getInputProtocol().getTransport().close();
    }
  }

  @Test
  @Order(4)
  void forgedExpiredAndMisusedLocatorsAreDenied() throws Exception {
    ClusterSecret secret = ClusterSecret.load(cluster.secretFile());
    List<ObjectId> ids = new ArrayList<>(storedObjects.keySet());
    String a = ids.get(1).value();
    String b = ids.get(2).value();
    Locators now = new Locators(secret, Clock.systemUTC());
    Locators past = new Locators(secret, Clock.fixed(Instant.now().minus(Duration.ofHours(3)), ZoneOffset.UTC));
    Locators stranger = new Locators(ClusterSecret.create(dir.resolve("stranger")), Clock.systemUTC());
    String readA = now.sign(Locator.Operation.READ, a, Duration.ofMinutes(5));
    String tampered = readA.substring(0, readA.length() - 2) + (readA.endsWith("A") ? "BB" : "AA");
    ObjectGateway.Client dosm = new ObjectGateway.Client(ThriftConnections.open(cluster.dosmAddress(), thrift));
    try {
      assertThat(dosm.get(a, 0, 1, readA)).as("the genuine locator works").isNotNull();
      assertThatThrownBy(() -> dosm.get(a, 0, 1, "")).isInstanceOf(AccessDenied.class);
      assertThatThrownBy(() -> dosm.get(a, 0, 1, "not a locator")).isInstanceOf(AccessDenied.class);
      assertThatThrownBy(() -> dosm.get(a, 0, 1, tampered)).isInstanceOf(AccessDenied.class);
      assertThatThrownBy(() -> dosm.get(a, 0, 1, stranger.sign(Locator.Operation.READ, a, Duration.ofMinutes(5))))
          .as("signed with another secret").isInstanceOf(AccessDenied.class);
      assertThatThrownBy(() -> dosm.get(a, 0, 1, past.sign(Locator.Operation.READ, a, Duration.ofMinutes(5))))
          .as("expired").isInstanceOf(AccessDenied.class);
      assertThatThrownBy(() -> dosm.get(b, 0, 1, readA)).as("replayed for another object")
          .isInstanceOf(AccessDenied.class);
      assertThatThrownBy(() -> dosm.beginPut(10, a, readA)).as("a read locator used to write")
          .isInstanceOf(AccessDenied.class);
      assertThatThrownBy(() -> dosm.deleteObject(a, readA)).as("a read locator used to delete")
          .isInstanceOf(AccessDenied.class);
    } finally {
      dosm.getInputProtocol().getTransport().close();
    }
  }

  @Test
  @Order(5)
  void membersServeClusterDaemonsOnlyAndNeverAWriteWithoutAnEpoch() throws Exception {
    long epoch = cluster.view().current().epoch();
    StorageNode.Client node = new StorageNode.Client(ThriftConnections.open(member("a1"), thrift));
    try {
      assertThatThrownBy(() -> node.beginWrite("planted", 10, new WriteContext().setEpoch(epoch)))
          .isInstanceOf(AccessDenied.class);
      assertThatThrownBy(() -> node.deleteObject(storedObjects.keySet().iterator().next().value(),
          new WriteContext().setEpoch(epoch))).isInstanceOf(AccessDenied.class);
      assertThatThrownBy(() -> node.inventory("", 10)).isInstanceOf(AccessDenied.class);
      DaemonAuth.Proof proof = new DaemonAuth(ClusterSecret.load(cluster.secretFile()), Clock.systemUTC())
          .prove("hostile test daemon", ThriftConnections.proofTarget(node.getInputProtocol()));
      node.authenticate(proof.daemon(), proof.time(), proof.nonce(), ByteBuffer.wrap(proof.mac()));
      assertThatThrownBy(() -> node.beginWrite("planted", 10, new WriteContext().setEpoch(0)))
          .as("a daemon's write must name the epoch it was routed under").isInstanceOf(StaleEpoch.class);
      assertThatThrownBy(() -> node.beginWrite("planted", 10, new WriteContext().setEpoch(epoch - 1)))
          .isInstanceOf(StaleEpoch.class);
    } finally {
      node.getInputProtocol().getTransport().close();
    }
  }

  @Test
  @Order(6)
  void slowClientsAndAConnectionFloodDoNotStopWellBehavedClients() throws Exception {
    List<Socket> hostile = new ArrayList<>();
    try {
      // a flood from one address, past its share of connections: the excess is closed on accept
      for (int i = 0; i < 1100; i++) {
        try {
          hostile.add(tcp(cluster.dosmAddress(), "127.0.0.3"));
        } catch (IOException refused) {
          break;
        }
      }
      assertThat(closedByServer(hostile.get(hostile.size() - 1))).as("connection 1,100 from one address").isTrue();
      // slow clients inside TLS: each has announced a frame and sends a byte now and then
      List<Socket> slow = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        Socket s = tlsSocket(cluster.dosmAddress());
        new DataOutputStream(s.getOutputStream()).writeInt(100_000);
        slow.add(s);
      }
      hostile.addAll(slow);
      for (ObjectId id : storedObjects.keySet()) {
        for (Socket s : slow) {
          s.getOutputStream().write(1);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        objects.get(id, out);
        assertThat(crc(out.toByteArray())).isEqualTo(storedObjects.get(id));
      }
      byte[] fresh = "written during the flood".getBytes(StandardCharsets.UTF_8);
      ObjectMeta m = objects.put(Optional.empty(), () -> new ByteArrayInputStream(fresh), fresh.length);
      storedObjects.put(m.id(), crc(fresh));
    } finally {
      for (Socket s : hostile) {
        s.close();
      }
    }
  }

  @Test
  @Order(7)
  void fuzzedCallsToTheGatewaysGetRepliesOrTypedErrorsNeverInternalErrors() throws Exception {
    // a gateway searches the cluster for ids and volumes it does not know: a few hundred calls take seconds
    fuzz(cluster.dosmAddress(), new ObjectGateway.Processor<>(null).getProcessMapView(), 500, 11);
    fuzz(cluster.ddmAddress(), new FileSystem.Processor<>(null).getProcessMapView(), 500, 12);
  }

  /**
   * {@code calls} well-formed calls with hostile arguments ({@link RandomThriftCalls}) on one TLS connection: each
   * gets a reply or a typed error, never an internal error (a handler that threw what it did not mean to), and the
   * connection stays open.
   */
  private static void fuzz(HostAndPort target, Map<String, ? extends ProcessFunction<?, ?>> methods, int calls,
      long seed) throws Exception {
    try (Socket s = tlsSocket(target)) {
      s.setSoTimeout(30_000);
      RandomThriftCalls.fuzz(s, methods, calls, seed, target.toString());
    }
  }

  @Test
  @Order(99)
  void everythingStoredBeforehandReadsBackIdenticalAndEveryMemberStillServes() throws Exception {
    for (Map.Entry<ObjectId, Long> e : storedObjects.entrySet()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      objects.get(e.getKey(), out);
      assertThat(crc(out.toByteArray())).as("object %s", e.getKey()).isEqualTo(e.getValue());
    }
    for (Map.Entry<String, Long> e : storedFiles.entrySet()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      files.get("kept", e.getKey(), out);
      assertThat(crc(out.toByteArray())).as("file %s", e.getKey()).isEqualTo(e.getValue());
    }
    assertThat(cluster.view().current().members().keySet()).allMatch(m -> cluster.view().current().isServing(m));
  }
}
