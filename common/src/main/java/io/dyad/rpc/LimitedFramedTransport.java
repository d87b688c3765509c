package io.dyad.rpc;

import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportException;
import org.apache.thrift.transport.TTransportFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side of a server connection: framed like {@code TFramedTransport}, but a frame over the limit does
 * not kill the connection. Its first bytes (which hold the message header) are kept, the rest is read and
 * discarded, and {@link OversizeFrameGuard} answers the call with a PROTOCOL_ERROR. Frames beyond the drain
 * limit (a stranger speaking another protocol, say) close the connection.
 *
 * <p>Not thread-safe: one per connection, used by the connection's worker thread.
 */
final class LimitedFramedTransport extends FramedReadTransport {
  private static final Logger LOG = LoggerFactory.getLogger(LimitedFramedTransport.class);

  /** Enough of an oversize frame to parse its message header (version, method name, sequence id). */
  static final int HEAD_BYTES = 4096;

  private final long drainLimitBytes;
  private long oversizeFrameBytes = -1;

  LimitedFramedTransport(TTransport inner, int maxFrameBytes, long drainLimitBytes) throws TTransportException {
    super(inner, maxFrameBytes);
    this.drainLimitBytes = drainLimitBytes;
  }

  static TTransportFactory factory(ThriftServerConfig config) {
    return new TTransportFactory() {
      @Override
      public TTransport getTransport(TTransport base) throws TTransportException {
        return new LimitedFramedTransport(base, config.maxFrameBytes(), config.drainLimitBytes());
      }
    };
  }

  /** Reads the next frame if the current one is used up. Blocks; throws on end of stream. */
  void awaitFrame() throws TTransportException {
    if (frameUsedUp()) {
      readFrame();
    }
  }

  /** The size of the oversize frame whose head is buffered now, or -1; clears the mark. */
  long takeOversizeFrameBytes() {
    long size = oversizeFrameBytes;
    oversizeFrameBytes = -1;
    return size;
  }

  int maxFrameBytes() {
    return maxFrameBytes;
  }

  void dropFrame() {
    discardFrame();
  }

  @Override
  protected void readFrame() throws TTransportException {
    long size = readFrameSize();
    if (size <= maxFrameBytes) {
      loadFrame((int) size);
      oversizeFrameBytes = -1;
      return;
    }
    if (size > drainLimitBytes) {
      LOG.warn("closing connection from {}: frame of {} bytes is over the drain limit of {} bytes "
          + "(not a Dyad framed-binary client?)", peer(), size, drainLimitBytes);
      close();
      throw new TTransportException(TTransportException.CORRUPTED_DATA,
          "frame of " + size + " bytes exceeds the limit of " + maxFrameBytes + " bytes");
    }
    byte[] head = new byte[HEAD_BYTES];
    getInnerTransport().readAll(head, 0, head.length);
    skip(size - head.length);
    setFrame(head);
    oversizeFrameBytes = size;
    LOG.warn("refused a request frame of {} bytes from {}: the limit is {} bytes", size, peer(), maxFrameBytes);
  }

  private void skip(long bytes) throws TTransportException {
    byte[] scratch = new byte[64 * 1024];
    long left = bytes;
    while (left > 0) {
      int n = getInnerTransport().read(scratch, 0, (int) Math.min(scratch.length, left));
      left -= n;
    }
  }

  private String peer() {
    return PeerAddress.of(getInnerTransport());
  }

  @Override
  public void write(byte[] buf, int off, int len) throws TTransportException {
    throw new TTransportException(TTransportException.NOT_OPEN, "the read side of a connection cannot write");
  }
}
