package io.dyad.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.rpc.StorageNodeClient;
import io.dyad.rpc.fuzz.RandomThriftCalls;
import io.dyad.thrift.StorageNode;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
      long seed = Long.getLong("dyad.fuzz.seed", 20261126L);
      RandomThriftCalls.Outcome outcome;
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(node.address.getHost(), node.address.getPort()), 5000);
        s.setSoTimeout(20_000);
        s.setTcpNoDelay(true);
        outcome = RandomThriftCalls.fuzz(s, new StorageNode.Processor<>(null).getProcessMapView(), CALLS, seed,
            "the node");
      }
      int replies = outcome.replies();
      int typedErrors = outcome.typedErrors();
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
}
