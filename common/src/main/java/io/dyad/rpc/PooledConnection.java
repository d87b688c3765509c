package io.dyad.rpc;

/** A client connection a {@link ConnectionPool} can keep: it knows whether it broke, and can drop big buffers. */
public interface PooledConnection extends AutoCloseable {
  /** Whether the connection failed and must be closed instead of reused. */
  boolean isBroken();

  /** Drops big buffers kept from earlier replies, before the connection goes idle. */
  default void trim() {}

  /**
   * Whether the server closed the connection while it was idle (it timed it out, or restarted). Asked before an
   * idle connection is reused; costs a system call, so asked only of connections idle for a while.
   */
  default boolean closedByPeer() {
    return false;
  }

  /**
   * Cuts the connection from another thread, without blocking: a call in flight on it fails at once (and the
   * connection is then broken). The pool uses it to abandon calls to a member that was failed over.
   */
  default void abort() {
    close();
  }

  @Override
  void close();
}
