package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.common.ObjectMeta;
import io.dyad.dosm.DosmConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client reads an object's bytes straight from the storage node that serves it (one hop), and when that
 * node dies mid-read it reads the rest through a gateway — from the partner — resuming at its offset.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DirectReadIT {
  private static final int SIZE = 40 << 20;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS) static Path dir;
  /**
   * One cluster for the class: the killed node is restarted between tests; the test that stops a gateway (which
   * the cluster does not start again) runs last.
   */
  private static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster(dir, DosmConfig.POINT_TO_POINT);
  }

  @BeforeEach
  void everyMemberServes() throws Exception {
    cluster.restoreEveryMember();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(2)
  void aGetReadsFromTheServingNodeSoItFinishesAfterItsGatewayIsGone() throws Exception {
    ObjectMeta m = cluster.client.put(Optional.empty(), () -> Streams.generated(5, SIZE), SIZE);
    // the gateway stops as the first bytes arrive: what follows can only come from the node itself
    Sink sink = new Sink(() -> cluster.dosms.get(0).service().stopAsync().awaitTerminated());
    cluster.client.get(m.id(), sink);
    assertThat(sink.bytes).isEqualTo(SIZE);
    assertThat(sink.crc()).isEqualTo(m.crc32c());
  }

  @Test
  @Order(1)
  void aDirectReadWhoseNodeIsKilledMidwayResumesThroughAGatewayFromThePartner() throws Exception {
    ObjectMeta m = cluster.client.put(Optional.empty(), () -> Streams.generated(6, SIZE), SIZE);
    String serving = cluster.pairOf(m.id()).a();
    Sink sink = new Sink(() -> {
      try {
        cluster.kill(serving);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    cluster.client.get(m.id(), sink);
    assertThat(sink.bytes).isEqualTo(SIZE);
    assertThat(sink.crc()).as("the bytes read before and after the kill").isEqualTo(m.crc32c());
  }

  /** Counts and checksums what it is given; runs {@code onFirstWrite} once, when the first bytes arrive. */
  private static final class Sink extends OutputStream {
    private final Runnable onFirstWrite;
    private final CRC32C crc = new CRC32C();
    private long bytes;
    private boolean fired;

    Sink(Runnable onFirstWrite) {
      this.onFirstWrite = onFirstWrite;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (!fired) {
        fired = true;
        onFirstWrite.run();
      }
      crc.update(b, off, len);
      bytes += len;
    }

    int crc() {
      return (int) crc.getValue();
    }
  }
}
