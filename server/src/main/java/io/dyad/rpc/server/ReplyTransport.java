package io.dyad.rpc.server;

import io.dyad.rpc.FrameWriter;
import java.nio.ByteBuffer;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportException;

/**
 * Where a handler's reply is serialized: pieces are collected without copying big payloads (see
 * {@link FrameWriter}); {@link #flush} seals them into one frame that the connection then writes without blocking.
 */
final class ReplyTransport extends TTransport {
  private final FrameWriter writer = new FrameWriter();
  private final int maxFrameBytes;
  private ByteBuffer[] frame;

  ReplyTransport(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  public void write(byte[] buf, int off, int len) {
    writer.write(buf, off, len);
  }

  @Override
  public void flush() throws TTransportException {
    frame = writer.takeFrame(maxFrameBytes);
  }

  /** The sealed reply frame, or null if nothing was flushed. */
  ByteBuffer[] frame() {
    return frame;
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public void open() {}

  @Override
  public void close() {}

  @Override
  public int read(byte[] buf, int off, int len) throws TTransportException {
    throw new TTransportException(TTransportException.NOT_OPEN, "a reply cannot be read");
  }

  @Override
  public org.apache.thrift.TConfiguration getConfiguration() {
    return org.apache.thrift.TConfiguration.DEFAULT;
  }

  @Override
  public void updateKnownMessageSize(long size) {}

  @Override
  public void checkReadBytesAvailable(long numBytes) {}
}
