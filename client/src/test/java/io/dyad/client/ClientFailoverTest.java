package io.dyad.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Java client's failure logic against three gateways (real Thrift servers on loopback sockets in front of one
 * in-memory store, {@link FakeGateways}): an operation moves to another gateway when one cannot serve it — a put
 * under the same object id, a get from the offset it reached — but a request error is the caller's and goes
 * nowhere else; corrupted bytes are an error, never an answer.
 */
class ClientFailoverTest {
  private static final int CHUNK = 16 * 1024;

  private FakeGateways gateways;
  private DyadClient client;

  @BeforeEach
  void start() throws Exception {
    gateways = new FakeGateways(3);
    client = DyadClient.connect(ClientConfig.of(List.of(gateways.gateway(0).address())).withChunkBytes(CHUNK)
        .withDirectReads(false));
    assertThat(client.gateways()).as("learned from the one seed").hasSize(3);
  }

  @AfterEach
  void stop() {
    client.close();
    gateways.close();
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private byte[] read(ObjectId id) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    client.get(id, out);
    return out.toByteArray();
  }

  @Test
  void aSmallPutThatMeetsAnUnavailableGatewayIsSentToAnotherUnderTheSameId() throws Exception {
    gateways.gateway(0).unavailable = true;
    byte[] data = bytes(10_000, 1);

    ObjectMeta m = client.put(Optional.empty(), () -> new ByteArrayInputStream(data), data.length);

    assertThat(gateways.stored(m.id())).isEqualTo(data);
    assertThat(gateways.calls("g1", "putObject")).containsExactly("g1:putObject:" + m.id().value());
    assertThat(gateways.calls().stream().filter(c -> c.contains(":putObject:"))).as("every try under one id")
        .hasSize(2).allMatch(c -> c.endsWith(":putObject:" + m.id().value()));
  }

  @Test
  void aChunkedPutCutOffMidwayStartsAgainOnAnotherGatewayUnderTheIdTheFirstGave() throws Exception {
    gateways.gateway(0).chunksBeforeFailing = 2;
    byte[] data = bytes(7 * CHUNK + 5, 2);

    ObjectMeta m = client.put(Optional.empty(), () -> new ByteArrayInputStream(data), -1);

    assertThat(m.length()).isEqualTo(data.length);
    assertThat(gateways.stored(m.id())).isEqualTo(data);
    assertThat(gateways.calls("g1", "beginPut")).containsExactly("g1:beginPut:");
    assertThat(gateways.calls().stream().filter(c -> !c.startsWith("g1") && c.contains(":beginPut:")))
        .as("the second try asks for the id the first was given").hasSize(1)
        .allMatch(c -> c.endsWith(":beginPut:" + m.id().value()));
  }

  @Test
  void aPutFromAStreamThatCannotBeReadAgainFailsRatherThanStoringPartOfIt() {
    gateways.gateway(0).chunksBeforeFailing = 1;
    byte[] data = bytes(4 * CHUNK, 3);
    DyadClient.Source once = DyadClient.Source.once(new ByteArrayInputStream(data), "the test's stream");

    DyadIOException e = catchThrowableOfType(() -> client.put(Optional.empty(), once, -1), DyadIOException.class);

    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(e.getMessage()).contains("cannot be read again");
    assertThat(gateways.calls().stream().filter(c -> c.contains(":commitPut"))).as("nothing committed").isEmpty();
  }

  @Test
  void aRequestErrorIsTheCallersAndGoesToNoOtherGateway() {
    DyadException e = catchThrowableOfType(() -> client.stat(ObjectId.random()), DyadException.class);

    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(gateways.calls().stream().filter(c -> c.endsWith(":stat"))).hasSize(1);
  }

  @Test
  void aGetCutOffMidwayResumesOnAnotherGatewayFromTheOffsetItReached() throws Exception {
    byte[] data = bytes(12 * CHUNK + 7, 4);
    ObjectId id = gateways.store(data);
    long cut = 8L * CHUNK;
    gateways.gateway(0).failGetsFrom = cut;

    assertThat(read(id)).isEqualTo(data);

    assertThat(gateways.calls("g1", "get")).as("the get started on g1").contains("g1:get:0");
    List<Long> elsewhere = gateways.calls().stream().filter(c -> !c.startsWith("g1") && c.contains(":get:"))
        .map(c -> Long.parseLong(c.substring(c.lastIndexOf(':') + 1))).toList();
    // four chunks are in flight: the cut's chunk is asked for once the fourth before it was read (from g1); the
    // three just before it may be asked for after the cut's failed
    assertThat(elsewhere).as("ranges read through the other gateways: none before those in flight at the cut")
        .isNotEmpty().allMatch(offset -> offset >= cut - 3L * CHUNK);
  }

  @Test
  void corruptedBytesAreAnErrorNeverAnAnswer() {
    ObjectId id = gateways.store(bytes(3 * CHUNK, 5));
    for (int i = 0; i < 3; i++) {
      gateways.gateway(i).corruptGets = true;
    }

    DyadException e = catchThrowableOfType(() -> read(id), DyadException.class);

    assertThat(e.code()).isEqualTo(ErrorCode.CHECKSUM_MISMATCH);
  }

  @Test
  void aKilledGatewayIsPassedOverForTheOthers() throws Exception {
    byte[] data = bytes(2 * CHUNK, 6);
    ObjectId id = gateways.store(data);
    client.stat(id); // a pooled connection to g1 now exists; the kill breaks it
    gateways.gateway(0).kill();

    for (int i = 0; i < 4; i++) {
      assertThat(client.stat(id).length()).isEqualTo(data.length);
    }
    assertThat(read(id)).isEqualTo(data);
  }

  @Test
  void whenNoGatewayCanServeTheOperationItFailsUnavailableAfterEveryAttempt() {
    ObjectId id = gateways.store(bytes(100, 7));
    for (int i = 0; i < 3; i++) {
      gateways.gateway(i).unavailable = true;
    }

    DyadException e = catchThrowableOfType(() -> client.stat(id), DyadException.class);

    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(e.getMessage()).contains("failed on every gateway tried");
    assertThat(gateways.calls().stream().filter(c -> c.endsWith(":stat"))).as("one call per attempt").hasSize(3);
  }
}
