package io.dyad.coordinator.zk;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dyad.coordinator.model.FailoverInfo;
import io.dyad.coordinator.model.FailoverState;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.coordinator.model.PairInfo;
import org.junit.jupiter.api.Test;

class ZnodeCodecTest {
  @Test
  void payloadsAreVersionedReadableJsonThatRoundTrips() throws Exception {
    PairInfo pair = new PairInfo("p1", MemberKind.STORAGE, "a1", "b1", "127.0.1.11:9100", "127.0.2.11:9100");
    byte[] bytes = ZnodeCodec.PAIR.encode(pair);
    assertThat(new String(bytes, UTF_8)).isEqualTo("{\"v\":1,\"id\":\"p1\",\"kind\":\"storage\",\"a\":\"a1\","
        + "\"b\":\"b1\",\"aAddress\":\"127.0.1.11:9100\",\"bAddress\":\"127.0.2.11:9100\",\"joining\":false}");
    assertThat(ZnodeCodec.PAIR.decode("/pairs/p1", bytes)).isEqualTo(pair);
    PairInfo joining = pair.withJoining(true);
    assertThat(ZnodeCodec.PAIR.decode("/pairs/p1", ZnodeCodec.PAIR.encode(joining))).isEqualTo(joining);

    FailoverInfo f = new FailoverInfo("a1", "b1", 1234, "liveness lost", 7, FailoverState.RESYNCING, "c1", true, 3);
    assertThat(ZnodeCodec.FAILOVER.decode("/failover/a1", ZnodeCodec.FAILOVER.encode(f))).isEqualTo(f);
  }

  @Test
  void unknownFieldsFromNewerWritersAreIgnored() throws Exception {
    byte[] json = ("{\"v\":1,\"id\":\"p1\",\"kind\":\"storage\",\"a\":\"a1\",\"b\":\"b1\",\"aAddress\":\"x:1\","
        + "\"bAddress\":\"y:1\",\"addedLater\":true}").getBytes(UTF_8);
    assertThat(ZnodeCodec.PAIR.decode("/pairs/p1", json).a()).isEqualTo("a1");
    assertThat(ZnodeCodec.PAIR.decode("/pairs/p1", json).joining()).as("pairs written before joining existed")
        .isFalse();
  }

  @Test
  void newerFormatsGarbageAndEmptyPayloadsAreRefusedNamingTheZnode() {
    assertThatThrownBy(() -> ZnodeCodec.PAIR.decode("/pairs/p1", "{\"v\":2,\"id\":\"p1\"}".getBytes(UTF_8)))
        .hasMessageContaining("/pairs/p1").hasMessageContaining("version 2");
    assertThatThrownBy(() -> ZnodeCodec.PAIR.decode("/pairs/p1", "not json".getBytes(UTF_8)))
        .hasMessageContaining("/pairs/p1");
    assertThatThrownBy(() -> ZnodeCodec.PAIR.decode("/pairs/p1", new byte[0])).hasMessageContaining("empty");
    assertThatThrownBy(() -> ZnodeCodec.PAIR.decode("/pairs/p1", "{\"id\":\"p1\"}".getBytes(UTF_8)))
        .hasMessageContaining("version 0");
  }
}
