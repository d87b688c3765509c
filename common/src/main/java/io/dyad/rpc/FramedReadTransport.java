package io.dyad.rpc;

import org.apache.thrift.TConfiguration;
import org.apache.thrift.transport.TMemoryInputTransport;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportException;
import org.apache.thrift.transport.layered.TLayeredTransport;

/**
 * The read side shared by Dyad's framed transports: frames (4-byte big-endian size, then the message) are read
 * into one reusable buffer per connection, which the protocol reads from directly. Binary fields alias that
 * buffer, so they are valid only until the next frame is read. Subclasses decide what to do with a frame's
 * size ({@link #readFrame}). Not thread-safe: one per connection.
 */
abstract class FramedReadTransport extends TLayeredTransport {
  protected final int maxFrameBytes;
  private final TMemoryInputTransport readBuffer;
  private final byte[] sizeBuffer = new byte[4];
  private byte[] frame = new byte[0];

  FramedReadTransport(TTransport inner, int maxFrameBytes) throws TTransportException {
    super(inner);
    this.maxFrameBytes = maxFrameBytes;
    this.readBuffer = new TMemoryInputTransport(
        new TConfiguration(maxFrameBytes, maxFrameBytes, TConfiguration.DEFAULT_RECURSION_DEPTH), new byte[0]);
  }

  /** Reads the next frame (blocking) and makes it current, or fails. */
  protected abstract void readFrame() throws TTransportException;

  /** The size field of the next frame, as an unsigned number. */
  protected final long readFrameSize() throws TTransportException {
    getInnerTransport().readAll(sizeBuffer, 0, 4);
    return Integer.toUnsignedLong(((sizeBuffer[0] & 0xff) << 24) | ((sizeBuffer[1] & 0xff) << 16)
        | ((sizeBuffer[2] & 0xff) << 8) | (sizeBuffer[3] & 0xff));
  }

  /** Reads {@code size} bytes into the reusable buffer (grown if needed) and makes them the current frame. */
  protected final void loadFrame(int size) throws TTransportException {
    if (frame.length < size) {
      frame = new byte[size];
    }
    getInnerTransport().readAll(frame, 0, size);
    readBuffer.reset(frame, 0, size);
  }

  /** Makes {@code bytes} the current frame (for a frame assembled by the subclass). */
  protected final void setFrame(byte[] bytes) {
    readBuffer.reset(bytes);
  }

  /** Whether every byte of the current frame has been read. */
  protected final boolean frameUsedUp() {
    return readBuffer.getBytesRemainingInBuffer() <= 0;
  }

  /** Drops whatever is left of the current frame. */
  protected final void discardFrame() {
    readBuffer.reset(new byte[0]);
  }

  @Override
  public final int read(byte[] buf, int off, int len) throws TTransportException {
    int got = readBuffer.read(buf, off, len);
    if (got > 0) {
      return got;
    }
    readFrame();
    return readBuffer.read(buf, off, len);
  }

  @Override
  public final byte[] getBuffer() {
    return readBuffer.getBuffer();
  }

  @Override
  public final int getBufferPosition() {
    return readBuffer.getBufferPosition();
  }

  @Override
  public final int getBytesRemainingInBuffer() {
    return readBuffer.getBytesRemainingInBuffer();
  }

  @Override
  public final void consumeBuffer(int len) {
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
    getInnerTransport().close();
  }
}
