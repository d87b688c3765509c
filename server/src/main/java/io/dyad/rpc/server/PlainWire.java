package io.dyad.rpc.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/** A connection's bytes straight on the socket. */
final class PlainWire implements Wire {
  private final SocketChannel channel;

  PlainWire(SocketChannel channel) {
    this.channel = channel;
  }

  @Override
  public boolean handshake() {
    return true;
  }

  @Override
  public int handshakeInterest() {
    return SelectionKey.OP_READ;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return channel.read(dst);
  }

  @Override
  public long write(ByteBuffer[] srcs) throws IOException {
    return channel.write(srcs);
  }

  @Override
  public boolean flushed() {
    return true;
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
