package io.dyad.rpc;

import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportException;
import org.apache.thrift.transport.TTransportFactory;

/**
 * Thrift's framed wire format, written through a {@link FrameWriter} so that big binary fields are not
 * copied, and read as in {@code TFramedTransport} (refusing frames over the limit) into one reusable buffer.
 * Used by clients for both directions and by servers for replies. Not thread-safe: one per connection.
 *
 * <p>Binary fields of a reply (object chunks) point into the reusable buffer: they are valid until the next
 * call on the same connection. {@link StorageNodeClient} copies where it hands them out.
 */
final class DyadFramedTransport extends FramedReadTransport {
  private final FrameWriter writer = new FrameWriter();

  DyadFramedTransport(TTransport inner, int maxFrameBytes) throws TTransportException {
    super(inner, maxFrameBytes);
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
  protected void readFrame() throws TTransportException {
    long size = readFrameSize();
    if (size > maxFrameBytes) {
      close();
      throw new TTransportException(TTransportException.CORRUPTED_DATA,
          "reply frame of " + size + " bytes exceeds the limit of " + maxFrameBytes + " bytes");
    }
    loadFrame((int) size);
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
  public void close() {
    writer.clear();
    super.close();
  }
}
