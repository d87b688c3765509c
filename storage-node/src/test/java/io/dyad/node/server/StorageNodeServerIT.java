package io.dyad.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.hash.Hashing;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.common.Presence;
import io.dyad.common.WriteSessionInfo;
import io.dyad.rpc.StorageNodeClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real storage node over real sockets: round trips, bad input, corruption, limits and shutdown. */
class StorageNodeServerIT {
  @TempDir Path dataDir;
  private NodeHarness node;

  @BeforeEach
  void start() {
    node = NodeHarness.start(dataDir);
  }

  @AfterEach
  void stop() {
    if (node != null && node.node.service().isRunning()) {
      node.close();
    }
  }

  static byte[] random(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static int crc(byte[] b) {
    return Hashing.crc32c().hashBytes(b).asInt();
  }

  static ObjectId id(String s) throws DyadException {
    return ObjectId.of(s);
  }

  static void assertFails(ErrorCode code, ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(DyadException.class)
        .satisfies(e -> assertThat(((DyadException) e).code()).as(e.getMessage()).isEqualTo(code));
  }

  static byte[] get(StorageNodeClient c, ObjectId id) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    c.get(id, out);
    return out.toByteArray();
  }

  @Test
  void emptyOneByteAndOneMebibyteObjectsRoundTripOverThrift() throws Exception {
    try (StorageNodeClient c = node.client()) {
      for (int size : new int[] {0, 1, 1024 * 1024}) {
        byte[] content = random(size, size);
        ObjectId id = id("rt-" + size);
        ObjectMeta put = c.put(id, new ByteArrayInputStream(content), size);
        assertThat(put.length()).isEqualTo(size);
        assertThat(put.crc32c()).isEqualTo(crc(content));
        assertThat(get(c, id)).isEqualTo(content);
        assertThat(c.stat(id)).isEqualTo(put);
        assertThat(c.has(id)).isEqualTo(Presence.PRESENT);
      }
      assertThat(c.health().memberId()).isEqualTo("t1");
    }
  }

  @Test
  void everyInvalidIdGetsInvalidArgumentAndTheNodeKeepsServing() throws Exception {
    try (StorageNodeClient c = node.client()) {
      ObjectId keeper = id("keeper");
      byte[] content = random(1, 5000);
      c.put(keeper, new ByteArrayInputStream(content), content.length);
      io.dyad.thrift.StorageNode.Client raw = new io.dyad.thrift.StorageNode.Client(
          io.dyad.rpc.ThriftConnections.open(node.address, io.dyad.rpc.ThriftClientConfig.defaults()));
      String[] invalid = {"", "a/b", "../../etc/passwd", "..", "nul\0byte", "x".repeat(201), "spa ce", "\u00e9"};
      for (String bad : invalid) {
        io.dyad.thrift.WriteContext ctx = new io.dyad.thrift.WriteContext();
        assertThatThrownBy(() -> raw.beginWrite(bad, -1, ctx)).isInstanceOf(io.dyad.thrift.InvalidArgument.class);
        assertThatThrownBy(() -> raw.writeObject(bad, java.nio.ByteBuffer.wrap(new byte[3]), 0, ctx))
            .isInstanceOf(io.dyad.thrift.InvalidArgument.class);
        assertThatThrownBy(() -> raw.read(bad, 0, 10, 0)).isInstanceOf(io.dyad.thrift.InvalidArgument.class);
        assertThatThrownBy(() -> raw.stat(bad, 0)).isInstanceOf(io.dyad.thrift.InvalidArgument.class);
        assertThatThrownBy(() -> raw.has(bad, 0)).isInstanceOf(io.dyad.thrift.InvalidArgument.class);
        assertThatThrownBy(() -> raw.deleteObject(bad, ctx)).isInstanceOf(io.dyad.thrift.InvalidArgument.class);
        assertThatThrownBy(() -> raw.addHint("b1", bad, ctx)).isInstanceOf(io.dyad.thrift.InvalidArgument.class);
        assertThatThrownBy(() -> raw.addHint("../b1", "fine", ctx)).isInstanceOf(io.dyad.thrift.InvalidArgument.class);
      }
      raw.getInputProtocol().getTransport().close();
      try (Stream<Path> files = Files.walk(dataDir)) {
        // (the write journal holds the keeper too, until its checkpoint)
        assertThat(files.filter(Files::isRegularFile).filter(p -> !p.startsWith(dataDir.resolve("journal")))
            .map(p -> p.getFileName().toString()))
            .as("nothing but the keeper and the lock file was written").containsExactlyInAnyOrder("keeper", "LOCK", "IDENTITY");
      }
      assertThat(get(c, keeper)).isEqualTo(content);
    }
  }

  @Test
  void aWrongChecksumAtCommitIsRefusedAndNothingIsStored() throws Exception {
    try (StorageNodeClient c = node.client()) {
      byte[] content = random(2, 100_000);
      WriteSessionInfo s = c.begin(id("bad-crc"), content.length);
      c.append(s.sessionId(), 0, ByteBuffer.wrap(content));
      assertFails(ErrorCode.CHECKSUM_MISMATCH, () -> c.commit(s.sessionId(), content.length, crc(content) + 1));
      assertFails(ErrorCode.NOT_FOUND, () -> c.stat(id("bad-crc")));
      c.ping();
    }
  }

  @Test
  void anAppendToAnUnknownSessionIsNotFound() throws Exception {
    try (StorageNodeClient c = node.client()) {
      assertFails(ErrorCode.NOT_FOUND, () -> c.append("no-such-session", 0, ByteBuffer.wrap(new byte[10])));
      assertFails(ErrorCode.NOT_FOUND, () -> c.commit("no-such-session", 10, 0));
      c.ping();
    }
  }

  @Test
  void aFrameOverTheLimitGetsAProtocolErrorAndTheConnectionStaysUsable() throws Exception {
    try (StorageNodeClient c = node.client()) {
      WriteSessionInfo s = c.begin(id("huge-chunk"), -1);
      byte[] twoMib = new byte[2 * NodeHarness.MAX_CHUNK];
      assertThatThrownBy(() -> c.append(s.sessionId(), 0, ByteBuffer.wrap(twoMib)))
          .isInstanceOf(DyadException.class)
          .hasMessageContaining("exceeds the limit")
          .satisfies(e -> assertThat(((DyadException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
      // same connection, next call: the node drained the frame and still serves it
      c.ping();
      byte[] ok = random(3, 1000);
      c.append(s.sessionId(), 0, ByteBuffer.wrap(ok));
      assertThat(c.commit(s.sessionId(), ok.length, crc(ok)).length()).isEqualTo(1000);

      // a chunk over the store's limit but inside the frame limit is refused by the store itself
      WriteSessionInfo s2 = c.begin(id("big-chunk"), -1);
      assertFails(ErrorCode.INVALID_ARGUMENT,
          () -> c.append(s2.sessionId(), 0, ByteBuffer.wrap(new byte[NodeHarness.MAX_CHUNK + 1])));
      c.ping();
    }
  }

  @Test
  void aFrameBeyondTheDrainLimitOrAStrangerProtocolClosesOnlyThatConnection() throws Exception {
    try (StorageNodeClient c = node.client()) {
      WriteSessionInfo s = c.begin(id("monster"), -1);
      byte[] eightMib = new byte[8 * NodeHarness.MAX_CHUNK];
      assertFails(ErrorCode.UNAVAILABLE, () -> c.append(s.sessionId(), 0, ByteBuffer.wrap(eightMib)));
    }
    try (Socket http = new Socket()) {
      http.connect(new InetSocketAddress(node.address.getHost(), node.address.getPort()), 2000);
      http.setSoTimeout(5000);
      http.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = http.getInputStream();
      assertThat(in.read()).as("the node hangs up on a stranger").isEqualTo(-1);
    }
    try (StorageNodeClient c = node.client()) {
      c.ping();
      byte[] content = random(4, 10);
      c.put(id("after"), new ByteArrayInputStream(content), 10);
      assertThat(get(c, id("after"))).isEqualTo(content);
    }
  }

  @Test
  void aFlippedByteOnDiskIsReportedAsAChecksumErrorNeverAsBytes() throws Exception {
    try (StorageNodeClient c = node.client()) {
      byte[] content = random(5, 500_000);
      ObjectId id = id("bit-rot");
      c.put(id, new ByteArrayInputStream(content), content.length);
      Path file = new io.dyad.node.store.FanoutLayout(dataDir.resolve("objects")).pathOf(id);
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        ByteBuffer one = ByteBuffer.allocate(1);
        ch.read(one, 250_000);
        one.put(0, (byte) ~one.get(0)).rewind();
        ch.write(one, 250_000);
      }
      ByteArrayOutputStream sink = new ByteArrayOutputStream();
      assertFails(ErrorCode.CHECKSUM_MISMATCH, () -> c.get(id, sink));
      assertThat(sink.size()).as("only verified blocks before the damage were delivered").isLessThan(250_000);
      assertFails(ErrorCode.NOT_FOUND, () -> c.read(id, 0, 10));
      c.ping();
    }
  }

  @Test
  void connectionsBeyondTheBoundAreRefusedAndServedAgainOnceOneCloses() throws Exception {
    node.close();
    node = NodeHarness.start(dataDir, 0, sc -> sc.withWorkers(1).withMaxConnections(2, 2));
    StorageNodeClient first = node.client();
    StorageNodeClient second = node.client();
    first.ping();
    second.ping();
    try (StorageNodeClient third = node.client()) {
      assertFails(ErrorCode.UNAVAILABLE, third::ping);
    }
    first.close();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      try (StorageNodeClient again = node.client()) {
        again.ping();
      }
    });
    second.close();
  }

  @Test
  void stoppingClosesIdleConnectionsPromptlyAndFreesThePort() throws Exception {
    byte[] content = random(6, 70_000);
    StorageNodeClient idle = node.client();
    idle.put(id("survivor"), new ByteArrayInputStream(content), content.length);
    int port = node.address.getPort();
    long start = System.nanoTime();
    node.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertFails(ErrorCode.UNAVAILABLE, idle::ping);
    idle.close();
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress("127.0.1.11", port));
    }
    node = NodeHarness.start(dataDir, port, sc -> sc);
    try (StorageNodeClient c = node.client()) {
      assertThat(get(c, id("survivor"))).isEqualTo(content);
    }
  }
}
