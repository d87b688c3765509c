package io.dyad.rpc;

import io.dyad.rpc.tls.TlsRecords;
import org.apache.thrift.TConfiguration;
import org.apache.thrift.transport.TMemoryInputTransport;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportException;
import org.apache.thrift.transport.layered.TLayeredTransport;

/**
 * The client side of Thrift's framed wire format (4-byte big-endian size, then the message). Requests are written
 * through a {@link FrameWriter} so that big binary fields are not copied; replies are read into one reusable
 * buffer, which the protocol reads from directly, refusing frames over the limit. Not thread-safe: one per
 * connection.
 *
 * <p>Binary fields of a reply (object chunks) alias the reusable buffer: they are valid until the next call on
 * the same connection. {@link StorageNodeClient} copies where it hands them out.
 */
final class DyadFramedTransport extends TLayeredTransport {
  /** Reply buffers up to this size are kept between calls; bigger ones go on {@link #trim}. */
  private static final int KEEP_BYTES = 64 * 1024;

  private final int maxFrameBytes;
  private final FrameWriter writer = new FrameWriter();
  private final TMemoryInputTransport readBuffer;
  private final byte[] sizeBuffer = new byte[4];
  private byte[] frame = new byte[0];
  /** the TCP socket under everything (under TLS too), closed to cut the connection from another thread */
  private final java.net.Socket raw;

  DyadFramedTransport(TTransport inner, int maxFrameBytes, java.net.Socket raw) throws TTransportException {
    super(inner);
    this.maxFrameBytes = maxFrameBytes;
    this.raw = raw;
    this.readBuffer = new TMemoryInputTransport(
        new TConfiguration(maxFrameBytes, maxFrameBytes, TConfiguration.DEFAULT_RECURSION_DEPTH), new byte[0]);
  }

  private void readFrame() throws TTransportException {
    getInnerTransport().readAll(sizeBuffer, 0, 4);
    long size = Integer.toUnsignedLong(((sizeBuffer[0] & 0xff) << 24) | ((sizeBuffer[1] & 0xff) << 16)
        | ((sizeBuffer[2] & 0xff) << 8) | (sizeBuffer[3] & 0xff));
    if (TlsRecords.looksLikeRecordHeader(sizeBuffer, 4)) { // a TLS server answering this plain client
      close();
      throw new TTransportException(TTransportException.CORRUPTED_DATA, "the server speaks TLS and this side does "
          + "not (the cluster runs TLS: give --tls-ca, --tls-cert and --tls-key, or $DYAD_TLS_CA, $DYAD_TLS_CERT and "
          + "$DYAD_TLS_KEY)");
    }
    if (size > maxFrameBytes) {
      close();
      throw new TTransportException(TTransportException.CORRUPTED_DATA,
          "reply frame of " + size + " bytes exceeds the limit of " + maxFrameBytes + " bytes");
    }
    if (frame.length < size) {
      frame = new byte[(int) size];
    }
    getInnerTransport().readAll(frame, 0, (int) size);
    readBuffer.reset(frame, 0, (int) size);
  }

  /** Drops a big reply buffer kept from an earlier call (an idle pooled connection should not pin megabytes). */
  void trim() {
    if (frame.length > KEEP_BYTES && readBuffer.getBytesRemainingInBuffer() <= 0) {
      frame = new byte[0];
      readBuffer.reset(frame);
    }
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
  public void write(byte[] buf, int off, int len) {
    writer.write(buf, off, len);
  }

  @Override
  public void flush() throws TTransportException {
    writer.flushTo(getInnerTransport(), maxFrameBytes);
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

  /**
   * Cuts the connection from any thread, at once: a call blocked reading or writing on it fails. Closes the TCP
   * socket itself, not the TLS layer, whose close would first wait to send its closing record.
   */
  void abort() {
    try {
      raw.close();
    } catch (java.io.IOException ignored) {
      // cut anyway
    }
  }
}
