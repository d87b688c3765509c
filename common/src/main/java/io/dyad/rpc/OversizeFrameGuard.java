package io.dyad.rpc;

import org.apache.thrift.TApplicationException;
import org.apache.thrift.TException;
import org.apache.thrift.TProcessor;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.transport.TTransportException;

/**
 * Answers a request whose frame was over the limit with a {@code TApplicationException(PROTOCOL_ERROR)} naming
 * the limit, instead of dropping the connection; every other request goes to the wrapped processor.
 * Must be used with {@link LimitedFramedTransport} as the input transport. After each call it returns the
 * {@link ReplyBuffers} the handler leased.
 */
final class OversizeFrameGuard implements TProcessor {
  private final TProcessor delegate;

  OversizeFrameGuard(TProcessor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void process(TProtocol in, TProtocol out) throws TException {
    LimitedFramedTransport frames = (LimitedFramedTransport) in.getTransport();
    frames.awaitFrame();
    long oversize = frames.takeOversizeFrameBytes();
    if (oversize < 0) {
      try {
        delegate.process(in, out);
      } finally {
        // the reply is written and flushed: buffers lent to the handler can be reused
        ReplyBuffers.releaseThreadLeases();
      }
      return;
    }
    TMessage request;
    try {
      request = in.readMessageBegin();
    } catch (TException e) {
      frames.close();
      throw new TTransportException(TTransportException.CORRUPTED_DATA,
          "oversize frame without a readable message header", e);
    }
    frames.dropFrame();
    TApplicationException refusal = new TApplicationException(TApplicationException.PROTOCOL_ERROR,
        "request frame of " + oversize + " bytes exceeds the limit of " + frames.maxFrameBytes()
            + " bytes; send smaller chunks");
    out.writeMessageBegin(new TMessage(request.name, TMessageType.EXCEPTION, request.seqid));
    refusal.write(out);
    out.writeMessageEnd();
    out.getTransport().flush();
  }
}
