package io.dyad.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.rpc.StorageNodeClient;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node's write sessions over real sockets, opened by two gateways from their own addresses: one that abandons
 * every session it opens cannot take those the node keeps for the other.
 */
class WriteSessionsPerGatewayIT {
  @TempDir Path dataDir;

  private static int beginUntilRefused(StorageNodeClient c, String prefix) {
    int n = 0;
    try {
      while (n < 1000) {
        c.begin(ObjectId.of(prefix + "-" + n), -1);
        n++;
      }
    } catch (DyadException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
      assertThat(e.getMessage()).contains("too many write sessions");
    }
    return n;
  }

  @Test
  void aGatewayThatAbandonsItsSessionsLeavesAnotherGatewayTheSessionsKeptForIt() throws Exception {
    try (NodeHarness node = NodeHarness.start(dataDir, 0, UnaryOperator.identity(),
        store -> store.withSessionLimits(40, 8));
        StorageNodeClient abandoning = node.clientFrom("127.0.0.5");
        StorageNodeClient other = node.clientFrom("127.0.0.6")) {
      assertThat(beginUntilRefused(abandoning, "abandoned")).as("all but the 8 kept for a gateway not seen yet")
          .isEqualTo(32);
      assertThat(beginUntilRefused(other, "other")).as("the other gateway's share").isEqualTo(8);
      assertThat(node.node.store().status().refusedSessions()).isEqualTo(2);
    }
  }
}
