package io.dyad.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TProtocolException;
import org.apache.thrift.transport.TTransportException;
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

  @Test
  void anAnswerInGoodOrderKeepsTheConnectionAndALostPlaceBreaksIt() {
    for (ErrorCode code : ErrorCode.values()) {
      if (code != ErrorCode.INTERNAL) {
        assertThat(ThriftErrors.breaksConnection(ThriftErrors.toThrift(new DyadException(code, "x")))).as("%s", code)
            .isFalse();
      }
    }
    // what a server sends: the conversation is still in step
    for (int type : new int[] {TApplicationException.INTERNAL_ERROR, TApplicationException.PROTOCOL_ERROR,
        TApplicationException.UNKNOWN_METHOD}) {
      assertThat(ThriftErrors.breaksConnection(new TApplicationException(type, "x"))).as("type %d", type).isFalse();
    }
    // what the client raises when a reply is not its call's, and failures of the connection itself
    for (int type : new int[] {TApplicationException.BAD_SEQUENCE_ID, TApplicationException.MISSING_RESULT,
        TApplicationException.WRONG_METHOD_NAME, TApplicationException.INVALID_MESSAGE_TYPE}) {
      assertThat(ThriftErrors.breaksConnection(new TApplicationException(type, "x"))).as("type %d", type).isTrue();
    }
    assertThat(ThriftErrors.breaksConnection(new TTransportException(TTransportException.TIMED_OUT))).isTrue();
    assertThat(ThriftErrors.breaksConnection(new TProtocolException("bad frame"))).isTrue();
  }
}
