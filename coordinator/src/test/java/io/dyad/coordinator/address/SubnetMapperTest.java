package io.dyad.coordinator.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import org.junit.jupiter.api.Test;

class SubnetMapperTest {
  private static SubnetMapper mapper(String from, String to) throws DyadException {
    return new SubnetMapper(Subnet.parse(from), Subnet.parse(to));
  }

  @Test
  void rewritesOnlyTheSubnetPortionAndKeepsThePort() throws DyadException {
    assertThat(mapper("127.0.1.0/24", "127.0.2.0/24").map(HostAndPort.fromString("127.0.1.11:9100")))
        .isEqualTo(HostAndPort.fromString("127.0.2.11:9100"));
    assertThat(mapper("10.1.0.0/16", "10.2.0.0/16").map(HostAndPort.fromString("10.1.7.11:9100")))
        .isEqualTo(HostAndPort.fromString("10.2.7.11:9100"));
  }

  @Test
  void handlesPrefixesThatSplitAByteAndIpv6() throws DyadException {
    assertThat(mapper("10.0.16.0/20", "10.0.32.0/20").map(HostAndPort.fromString("10.0.17.5:1")))
        .isEqualTo(HostAndPort.fromString("10.0.33.5:1"));
    assertThat(mapper("fd00:1::/64", "fd00:2::/64").map(HostAndPort.fromString("[fd00:1::11]:9100")))
        .isEqualTo(HostAndPort.fromString("[fd00:2::11]:9100"));
  }

  @Test
  void recognisesPartnersAndRejectsAddressesThatDifferElsewhere() throws DyadException {
    SubnetMapper m = mapper("127.0.1.0/24", "127.0.2.0/24");
    assertThat(m.arePartners(HostAndPort.fromString("127.0.1.11:9100"), HostAndPort.fromString("127.0.2.11:9100")))
        .isTrue();
    assertThat(m.arePartners(HostAndPort.fromString("127.0.1.11:9100"), HostAndPort.fromString("127.0.2.12:9100")))
        .isFalse();
    assertThat(m.arePartners(HostAndPort.fromString("127.0.1.11:9100"), HostAndPort.fromString("127.0.2.11:9101")))
        .isFalse();
  }

  @Test
  void refusesWhatCannotBeMapped() {
    assertThatThrownBy(() -> mapper("10.1.0.0/16", "10.2.0.0/24")).hasMessageContaining("differ in size");
    assertThatThrownBy(() -> mapper("127.0.1.0/24", "127.0.2.0/24").map(HostAndPort.fromString("127.0.3.1:1")))
        .hasMessageContaining("not in subnet");
    assertThatThrownBy(() -> mapper("127.0.1.0/24", "127.0.2.0/24").map(HostAndPort.fromString("node-a1:1")))
        .hasMessageContaining("must be an IP address");
    assertThatThrownBy(() -> Subnet.parse("10.1.0.1/16")).hasMessageContaining("host bits set");
    assertThatThrownBy(() -> Subnet.parse("10.1.0.0")).hasMessageContaining("CIDR");
    assertThatThrownBy(() -> Subnet.parse("10.1.0.0/33")).hasMessageContaining("prefix length");
  }
}
