package io.dyad.rpc.server;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.TConfiguration;
import org.apache.thrift.TException;
import org.apache.thrift.TProcessor;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.transport.TMemoryInputTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one complete request frame through the service's processor on a worker thread and returns the reply
 * frame. A request the processor cannot even parse gets a PROTOCOL_ERROR reply when its message header is
 * readable (the connection stays usable); otherwise the connection is closed with a log line naming what the
 * peer seems to speak.
 */
final class RequestRunner {
  private static final Logger LOG = LoggerFactory.getLogger(RequestRunner.class);
  /** Nested structs deeper than this in an unknown field are refused rather than skipped by recursion. */
  static final int MAX_SKIP_DEPTH = 64;

  static final ThreadLocal<Connection> CURRENT = new ThreadLocal<>();

  static {
    org.apache.thrift.protocol.TProtocolUtil.setMaxSkipDepth(MAX_SKIP_DEPTH);
  }

  /** What the connection sends back: a frame (null: nothing), the reply buffers to release once it is written. */
  record Reply(ByteBuffer[] frame, List<ReplyBuffers.Lease> leases, boolean closeAfter, String closeReason) {
    static Reply close(String reason) {
      return new Reply(null, List.of(), true, reason);
    }
  }

  private final String serverName;
  private final TProcessor processor;
  private final TConfiguration limits;
  private final int maxFrameBytes;

  RequestRunner(String serverName, TProcessor processor, int maxFrameBytes) {
    this.serverName = serverName;
    this.processor = processor;
    this.maxFrameBytes = maxFrameBytes;
    this.limits = new TConfiguration(maxFrameBytes, maxFrameBytes, TConfiguration.DEFAULT_RECURSION_DEPTH);
  }

  /** Handles a request; the handler may alias {@code frame} until this returns. */
  Reply run(Connection connection, byte[] frame, int length) {
    ReplyTransport out = new ReplyTransport(Integer.MAX_VALUE);
    CURRENT.set(connection);
    try {
      TProtocol in = new TBinaryProtocol(new TMemoryInputTransport(limits, frame, 0, length), true, true);
      processor.process(in, new TBinaryProtocol(out, true, true));
      if (out.frame() == null) {
        return Reply.close("no reply was produced");
      }
      return new Reply(out.frame(), ReplyBuffers.takeThreadLeases(), false, null);
    } catch (TException | RuntimeException | StackOverflowError e) {
      List<ReplyBuffers.Lease> leases = ReplyBuffers.takeThreadLeases();
      ReplyBuffers.release(leases);
      return refuse(frame, length, describe(e));
    } finally {
      CURRENT.remove();
    }
  }

  /** The reply to a frame over the size limit, of which only the first bytes were kept. */
  Reply refuseOversize(byte[] head, int headLength, long size) {
    return refuse(head, headLength, "request frame of " + size + " bytes exceeds the limit of " + maxFrameBytes
        + " bytes; send smaller chunks");
  }

  private Reply refuse(byte[] frame, int length, String why) {
    TMessage request;
    try {
      TProtocol in = new TBinaryProtocol(new TMemoryInputTransport(limits, frame, 0, length), true, true);
      request = in.readMessageBegin();
    } catch (TException | RuntimeException e) {
      return Reply.close("not Dyad's wire format (framed, strict binary Thrift): it looks like "
          + ProtocolSniffer.describe(frame, length));
    }
    try {
      ReplyTransport out = new ReplyTransport(maxFrameBytes);
      TProtocol p = new TBinaryProtocol(out, true, true);
      p.writeMessageBegin(new TMessage(request.name, TMessageType.EXCEPTION, request.seqid));
      new TApplicationException(TApplicationException.PROTOCOL_ERROR, why).write(p);
      p.writeMessageEnd();
      out.flush();
      LOG.debug("[{}] refused a {} request: {}", serverName, request.name, why);
      return new Reply(out.frame(), List.of(), false, null);
    } catch (TException e) {
      return Reply.close("could not write a refusal: " + e.getMessage());
    }
  }

  private static String describe(Throwable e) {
    if (e instanceof StackOverflowError) {
      return "malformed request: nested too deeply";
    }
    String m = e.getMessage();
    return "malformed request: " + (m == null ? e.getClass().getSimpleName() : m);
  }
}
