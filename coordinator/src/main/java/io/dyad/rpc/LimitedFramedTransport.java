package io.dyad.rpc;

import org.apache.thrift.TConfiguration;
import org.apache.thrift.transport.TMemoryInputTransport;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportException;
import org.apache.thrift.transport.TTransportFactory;
import org.apache.thrift.transport.layered.TLayeredTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side of a server connection: framed like {@code TFramedTransport}, but a frame over the limit does
 * not kill the connection. Its first bytes (which hold the message header) are kept, the rest is read and
 * discarded, and {@link OversizeFrameGuard} answers the call with a PROTOCOL_ERROR. Frames beyond the drain
 * limit, and negative sizes (a stranger speaking another protocol), close the connection.
 *
 * <p>Not thread-safe: one per connection, used by the connection's worker thread.
 */
final class LimitedFramedTransport extends TLayeredTransport {
  private static final Logger LOG = LoggerFactory.getLogger(LimitedFramedTransport.class);

  /** Enough of an oversize frame to parse its message header (version, method name, sequence id). */
  static final int HEAD_BYTES = 4096;

  private final int maxFrameBytes;
  private final long drainLimitBytes;
  private final TMemoryInputTransport readBuffer;
  private final byte[] sizeBuffer = new byte[4];
  private long oversizeFrameBytes = -1;
  private byte[] frame = new byte[0];

  LimitedFramedTransport(TTransport inner, int maxFrameBytes, long drainLimitBytes) throws TTransportException {
    super(inner);
    this.maxFrameBytes = maxFrameBytes;
    this.drainLimitBytes = drainLimitBytes;
    TConfiguration config = new TConfiguration(maxFrameBytes, maxFrameBytes, TConfiguration.DEFAULT_RECURSION_DEPTH);
    this.readBuffer = new TMemoryInputTransport(config, new byte[0]);
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
    if (readBuffer.getBytesRemainingInBuffer() <= 0) {
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

  /** Drops whatever is left of the current frame. */
  void discardFrame() {
    readBuffer.reset(new byte[0]);
  }

  private void readFrame() throws TTransportException {
    getInnerTransport().readAll(sizeBuffer, 0, 4);
    long size = Integer.toUnsignedLong(
        ((sizeBuffer[0] & 0xff) << 24) | ((sizeBuffer[1] & 0xff) << 16) | ((sizeBuffer[2] & 0xff) << 8)
            | (sizeBuffer[3] & 0xff));
    if (size <= maxFrameBytes) {
      // one buffer per connection, reused: binary arguments alias it and are valid only during their call
      if (frame.length < size) {
        frame = new byte[(int) size];
      }
      getInnerTransport().readAll(frame, 0, (int) size);
      readBuffer.reset(frame, 0, (int) size);
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
    readBuffer.reset(head);
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
  public int read(byte[] buf, int off, int len) throws TTransportException {
    int got = readBuffer.read(buf, off, len);
    if (got > 0) {
      return got;
    }
    readFrame();
    return readBuffer.read(buf, off, len);
  }

  @Override
  public byte[] getBuffer() {
    return readBuffer.getBuffer();
  }

  @Override
  public int getBufferPosition() {
    return readBuffer.getBufferPosition();
  }

  @Override
  public int getBytesRemainingInBuffer() {
    return readBuffer.getBytesRemainingInBuffer();
  }

  @Override
  public void consumeBuffer(int len) {
    readBuffer.consumeBuffer(len);
  }

  @Override
  public void write(byte[] buf, int off, int len) throws TTransportException {
    throw new TTransportException(TTransportException.NOT_OPEN, "the read side of a connection cannot write");
  }

  @Override
  public boolean isOpen() {
    return getInnerTransport().isOpen();
  }

  @Override
  public void open() throws TTransportException {
    getInnerTransport().open();
  }

  @Override
  public void close() {
    getInnerTransport().close();
  }
}
