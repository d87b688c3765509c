package io.dyad.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.rpc.StorageNodeClient;
import io.dyad.rpc.fuzz.RandomThriftCalls;
import io.dyad.thrift.StorageNode;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.thrift.ProcessFunction;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.transport.TMemoryInputTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the storage node's Thrift handler through a real server: thousands of well-formed calls of every method with
 * hostile arguments ({@link RandomThriftCalls}), each from a seed printed on failure. Every call must get a reply or
 * a typed error, never an internal error (a handler that threw something it did not mean to) and never a dropped
 * connection; the node keeps serving and an object stored before reads back intact. The budget is 3,000 calls in
 * every build; {@code -Ddyad.fuzz.calls=N} runs longer.
 */
class StorageNodeCallFuzzIT {
  private static final int CALLS = Integer.getInteger("dyad.fuzz.calls", 3000);

  @TempDir Path dir;

  @Test
  void everyCallWithHostileArgumentsGetsAReplyOrATypedErrorAndStoredDataSurvives() throws Exception {
    try (NodeHarness node = NodeHarness.start(dir)) {
      byte[] kept = "stored before the fuzzing".getBytes(StandardCharsets.UTF_8);
      ObjectId id = ObjectId.random();
      try (StorageNodeClient c = node.client()) {
        c.put(id, new java.io.ByteArrayInputStream(kept), kept.length);
      }
      List<String> methods = new ArrayList<>(new StorageNode.Processor<>(null).getProcessMapView().keySet());
      methods.sort(null);
      long seed = Long.getLong("dyad.fuzz.seed", 20261126L);
      Random random = new Random(seed);
      RandomThriftCalls calls = new RandomThriftCalls(random);
      int replies = 0;
      int typedErrors = 0;
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(node.address.getHost(), node.address.getPort()), 5000);
        s.setSoTimeout(20_000);
        s.setTcpNoDelay(true);
        DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(s.getOutputStream(), 64 * 1024));
        DataInputStream in = new DataInputStream(s.getInputStream());
        for (int i = 0; i < CALLS; i++) {
          String method = methods.get(random.nextInt(methods.size()));
          ProcessFunction<?, ?> f = new StorageNode.Processor<>(null).getProcessMapView().get(method);
          byte[] body = calls.call(method, f.getEmptyArgsInstance(), i);
          out.writeInt(body.length);
          out.write(body);
          out.flush();
          String what = "call " + i + " (" + method + ", seed " + seed + ")";
          byte[] reply = readFrame(in, what);
          TBinaryProtocol p = new TBinaryProtocol(new TMemoryInputTransport(reply), true, true);
          TMessage m = p.readMessageBegin();
          assertThat(m.seqid).as(what).isEqualTo(i);
          if (m.type == TMessageType.EXCEPTION) {
            TApplicationException e = TApplicationException.readFrom(p);
            assertThat(e.getType()).as(what + ": " + e.getMessage()).isNotEqualTo(TApplicationException.INTERNAL_ERROR);
            typedErrors++;
          } else {
            assertThat(m.type).as(what).isEqualTo(TMessageType.REPLY);
            replies++;
          }
        }
      }
      assertThat(replies).as("some calls got past argument checks").isPositive();
      try (StorageNodeClient c = node.client()) {
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        ObjectMeta meta = c.get(id, back);
        assertThat(back.toByteArray()).isEqualTo(kept);
        assertThat(meta.length()).isEqualTo(kept.length);
      }
      System.out.printf("fuzzed %d calls: %d replies, %d protocol errors%n", CALLS, replies, typedErrors);
    }
  }

  private static byte[] readFrame(DataInputStream in, String what) throws IOException {
    int size;
    try {
      size = in.readInt();
    } catch (IOException e) {
      throw new AssertionError(what + ": the node closed the connection", e);
    }
    byte[] b = new byte[size];
    in.readFully(b);
    return b;
  }
}
