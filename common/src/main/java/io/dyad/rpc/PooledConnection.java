package io.dyad.rpc;

/** A client connection a {@link ConnectionPool} can keep: it knows whether it broke, and can drop big buffers. */
public interface PooledConnection extends AutoCloseable {
  /** Whether the connection failed and must be closed instead of reused. */
  boolean isBroken();

  /** Drops big buffers kept from earlier replies, before the connection goes idle. */
  default void trim() {}

  @Override
  void close();
}
