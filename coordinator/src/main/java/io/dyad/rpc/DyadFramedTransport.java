package io.dyad.rpc;

import org.apache.thrift.TConfiguration;
import org.apache.thrift.transport.TMemoryInputTransport;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportException;
import org.apache.thrift.transport.TTransportFactory;
import org.apache.thrift.transport.layered.TLayeredTransport;

/**
 * Thrift's framed wire format (4-byte big-endian size, then the message), written through a
 * {@link FrameWriter} so that big binary fields are not copied. Reading is as in {@code TFramedTransport},
 * refusing frames over the limit, into one reusable buffer per connection. Used by clients for both directions
 * and by servers for replies. Not thread-safe: one per connection.
 *
 * <p>Binary fields of a reply (object chunks) point into the reusable buffer: they are valid until the next
 * call on the same connection. {@link StorageNodeClient} copies where it hands them out.
 */
final class DyadFramedTransport extends TLayeredTransport {
  private final int maxFrameBytes;
  private final FrameWriter writer = new FrameWriter();
  private final TMemoryInputTransport readBuffer;
  private final byte[] sizeBuffer = new byte[4];
  private byte[] frame = new byte[0];

  DyadFramedTransport(TTransport inner, int maxFrameBytes) throws TTransportException {
    super(inner);
    this.maxFrameBytes = maxFrameBytes;
    this.readBuffer = new TMemoryInputTransport(
        new TConfiguration(maxFrameBytes, maxFrameBytes, TConfiguration.DEFAULT_RECURSION_DEPTH), new byte[0]);
  }

  static TTransportFactory factory(int maxFrameBytes) {
    return new TTransportFactory() {
      @Override
      public TTransport getTransport(TTransport base) throws TTransportException {
        return new DyadFramedTransport(base, maxFrameBytes);
      }
    };
  }

  @Override
  public void write(byte[] buf, int off, int len) {
    writer.write(buf, off, len);
  }

  @Override
  public void flush() throws TTransportException {
    writer.flushTo(getInnerTransport(), maxFrameBytes);
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

  private void readFrame() throws TTransportException {
    getInnerTransport().readAll(sizeBuffer, 0, 4);
    int size = ((sizeBuffer[0] & 0xff) << 24) | ((sizeBuffer[1] & 0xff) << 16) | ((sizeBuffer[2] & 0xff) << 8)
        | (sizeBuffer[3] & 0xff);
    if (size < 0 || size > maxFrameBytes) {
      close();
      throw new TTransportException(TTransportException.CORRUPTED_DATA,
          "reply frame of " + Integer.toUnsignedLong(size) + " bytes exceeds the limit of " + maxFrameBytes + " bytes");
    }
    // one frame buffer per connection, grown as needed: binary fields of a reply alias it (no copy), so a
    // caller must be done with a reply's buffers before its next call on the same connection
    if (frame.length < size) {
      frame = new byte[size];
    }
    getInnerTransport().readAll(frame, 0, size);
    readBuffer.reset(frame, 0, size);
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
  public boolean isOpen() {
    return getInnerTransport().isOpen();
  }

  @Override
  public void open() throws TTransportException {
    getInnerTransport().open();
  }

  @Override
  public void close() {
    writer.clear();
    getInnerTransport().close();
  }
}
