package io.dyad.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.google.common.base.Ticker;
import com.google.common.hash.Hashing;
import com.google.common.net.HostAndPort;
import io.dyad.common.ObjectId;
import io.dyad.common.Presence;
import io.dyad.node.server.StorageNode;
import io.dyad.node.server.StorageNodeConfig;
import io.dyad.node.store.FileObjectStore;
import io.dyad.node.store.StoreConfig;
import io.dyad.rpc.StorageNodeClient;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.rpc.server.ThriftServerConfig;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rebuild from a real partner node (a Thrift server on loopback) that stops midway — as a full disk or a lost
 * connection stops it — and is tried again: the second try resumes its inventory merge where the first stopped,
 * and its counters and percentage carry on from what the first really did instead of starting at zero.
 */
class ResyncResumeIT {
  private static final int OBJECTS = 300;
  private static final int BYTES = 2000;

  @TempDir Path partnerDir;
  @TempDir Path localDir;

  @Test
  void aResyncTriedAgainResumesWhereItStoppedAndReportsWhatIsReallyDone() throws Exception {
    StoreConfig partnerStore = StoreConfig.defaults(partnerDir).withReserveBytes(0).withMaxChunkBytes(1 << 20);
    StorageNode partner = StorageNode.create(new StorageNodeConfig("b1", partnerStore,
        ThriftServerConfig.forChunks(new InetSocketAddress("127.0.2.11", 0), 1 << 20)), new MetricRegistry());
    partner.service().startAsync().awaitRunning();
    FileObjectStore local = new FileObjectStore(StoreConfig.defaults(localDir).withReserveBytes(0),
        Clock.systemUTC(), Ticker.systemTicker());
    local.startAsync().awaitRunning();
    try {
      List<ObjectId> ids = new ArrayList<>();
      for (int i = 0; i < OBJECTS; i++) {
        ObjectId id = ObjectId.of(UUID.randomUUID().toString());
        byte[] data = new byte[BYTES];
        data[0] = (byte) i;
        partner.store().write(id, ByteBuffer.wrap(data), Hashing.crc32c().hashBytes(data).asInt(), List.of());
        ids.add(id);
      }
      InetSocketAddress a = partner.address();
      HostAndPort at = HostAndPort.fromParts(a.getAddress().getHostAddress(), a.getPort());
      ResyncProgress progress = new ResyncProgress(7, "epoch 3/7");
      int stopAfter = OBJECTS / 3;
      try (StorageNodeClient c = StorageNodeClient.connect(at, ThriftClientConfig.defaults()
          .withRequestTimeout(Duration.ofSeconds(20)), 1 << 20)) {
        new PartnerSync("a1", local, c, 0, progress, () -> progress.examined < stopAfter, () -> {})
            .mergeInventories();
        assertThat(progress.objects).as("copied by the first try").isEqualTo(stopAfter);
        double firstPercent = progress.percent;
        assertThat(firstPercent).isPositive();
        long[] examinedBySecond = {0};
        new PartnerSync("a1", local, c, 0, progress, () -> true, () -> examinedBySecond[0]++).mergeInventories();

        assertThat(examinedBySecond[0]).as("objects the second try went through: only those after the first's stop")
            .isEqualTo(OBJECTS - stopAfter);
        assertThat(progress.objects).as("copied in all, counted once each").isEqualTo(OBJECTS);
        assertThat(progress.bytes).isEqualTo((long) OBJECTS * BYTES);
        assertThat(progress.percent).isGreaterThanOrEqualTo(firstPercent);
      }
      for (ObjectId id : ids) {
        assertThat(local.presence(id)).as("%s rebuilt", id).isEqualTo(Presence.PRESENT);
      }
    } finally {
      local.stopAsync().awaitTerminated();
      partner.service().stopAsync().awaitTerminated();
    }
  }
}
