package io.dyad.node.server;

import io.dyad.common.DyadException;

/**
 * Decides whether the node may serve a request now (fencing). A standalone node serves everything
 * ({@link #OPEN}); a cluster member serves only while it holds a valid registration, refuses requests routed
 * under an older epoch than it knows, and refuses what its failover state forbids.
 */
public interface AccessGate {
  /** Everything allowed: a node outside any cluster. */
  AccessGate OPEN = new AccessGate() {
    @Override
    public void checkRead(long epoch) {}

    @Override
    public void checkWrite(long epoch) {}

    @Override
    public void checkLookup(long epoch) {}
  };

  /** Before serving object bytes or metadata. @throws DyadException UNAVAILABLE or STALE_EPOCH */
  void checkRead(long epoch) throws DyadException;

  /** Before taking a write, delete or hint. @throws DyadException UNAVAILABLE or STALE_EPOCH */
  void checkWrite(long epoch) throws DyadException;

  /** Before answering whether it holds an object (search). @throws DyadException UNAVAILABLE or STALE_EPOCH */
  void checkLookup(long epoch) throws DyadException;
}
