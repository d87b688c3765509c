package io.dyad.node.server;

import io.dyad.common.DyadException;
import io.dyad.common.access.DaemonAuth;
import io.dyad.common.access.Locators;
import java.util.List;
import java.util.Optional;

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

    @Override
    public void checkHintTargets(List<String> members) {}

    @Override
    public Status status() {
      return new Status("STANDALONE", "not a member of a cluster; serves every request");
    }
  };

  /** Before serving object bytes or metadata to a reader. @throws DyadException UNAVAILABLE or STALE_EPOCH */
  void checkRead(long epoch) throws DyadException;

  /** Before taking a write, delete or hint. @throws DyadException UNAVAILABLE or STALE_EPOCH */
  void checkWrite(long epoch) throws DyadException;

  /**
   * Before telling what the node itself holds, whatever its failover state (search, a partner's resync, a
   * gateway's check of a repeated put). @throws DyadException UNAVAILABLE or STALE_EPOCH
   */
  void checkLookup(long epoch) throws DyadException;

  /** Hints may only be kept for members this node may hold hints for. @throws DyadException INVALID_ARGUMENT */
  void checkHintTargets(List<String> members) throws DyadException;

  /**
   * How callers prove they are Dyad daemons of the cluster; empty: every caller is served (a standalone node, or a
   * cluster without a secret).
   */
  default Optional<DaemonAuth> daemons() {
    return Optional.empty();
  }

  /**
   * How a client's direct read proves it may read the object (a locator from a DDM or an operator's credential);
   * empty: anyone may (a standalone node, or a cluster without a secret).
   */
  default Optional<Locators> locators() {
    return Optional.empty();
  }

  /** What the node may do now, as its health reports it. */
  Status status();

  /** @param name SERVING, RESYNCING, JOINING, FAILED_OVER, FENCED or STANDALONE; @param detail why */
  record Status(String name, String detail) {}
}
