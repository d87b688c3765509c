package io.dyad.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import org.apache.thrift.TException;
import org.junit.jupiter.api.Test;

class ThriftErrorsTest {
  private static final HostAndPort PEER = HostAndPort.fromParts("127.0.1.1", 9000);

  @Test
  void everyCodeSurvivesTheTripToTheWireAndBack() {
    for (ErrorCode code : ErrorCode.values()) {
      TException wire = ThriftErrors.toThrift(new DyadException(code, "about " + code));
      DyadException back = ThriftErrors.fromThrift(PEER, wire);
      assertThat(back.code()).as("code %s", code).isEqualTo(code);
      assertThat(back.getMessage()).as("message of %s", code).contains("about " + code);
      assertThat(ThriftErrors.isTypedReply(wire)).as("typed reply for %s", code).isEqualTo(code != ErrorCode.INTERNAL);
    }
  }

  @Test
  void theJavaCodesAreTheIdlCodes() {
    for (ErrorCode code : ErrorCode.values()) {
      if (code == ErrorCode.INTERNAL) {
        continue;
      }
      io.dyad.thrift.ErrorCode idl = io.dyad.thrift.ErrorCode.findByValue(code.wireValue());
      assertThat(idl).as("IDL code %d", code.wireValue()).isNotNull();
      assertThat(idl.name()).isEqualTo(code.name());
    }
  }
}
