package io.dyad.node.cluster;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.StaleEpochException;
import io.dyad.coordinator.membership.Registration;
import io.dyad.coordinator.model.FailoverInfo;
import io.dyad.coordinator.model.FailoverState;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.node.server.AccessGate;

/**
 * Fencing for a cluster member:
 *
 * <ul>
 *   <li>without a valid registration (session lost, suspended, or lease expired after a pause) it serves
 *       nothing: its partner may already serve alone;
 *   <li>a request routed under an epoch older than the member knows is refused with StaleEpoch, so the router
 *       refreshes its view;
 *   <li>a FAILED_OVER member takes no writes and serves no reads; a RESYNCING one takes writes but serves no
 *       reads (it may still lack objects and tombstones). Both still answer lookups.
 * </ul>
 */
public final class ClusterGate implements AccessGate {
  private final String memberId;
  private final Registration registration;
  private final ClusterView view;

  public ClusterGate(String memberId, Registration registration, ClusterView view) {
    this.memberId = memberId;
    this.registration = registration;
    this.view = view;
  }

  @Override
  public void checkRead(long epoch) throws DyadException {
    ClusterSnapshot s = common(epoch);
    FailoverInfo f = s.failovers().get(memberId);
    if (f != null) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "member " + memberId + " is " + f.state() + " (epoch "
          + f.epoch() + "); read from " + f.servedBy());
    }
  }

  @Override
  public void checkWrite(long epoch) throws DyadException {
    ClusterSnapshot s = common(epoch);
    FailoverInfo f = s.failovers().get(memberId);
    if (f != null && f.state() == FailoverState.FAILED_OVER) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "member " + memberId + " is failed over (epoch " + f.epoch()
          + "); " + f.servedBy() + " takes its writes");
    }
  }

  @Override
  public void checkLookup(long epoch) throws DyadException {
    common(epoch);
  }

  private ClusterSnapshot common(long epoch) throws DyadException {
    if (!registration.mayAcceptWrites()) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "member " + memberId
          + " has no valid ZooKeeper registration right now; it is fenced");
    }
    ClusterSnapshot s = view.current();
    if (epoch > 0 && epoch < s.epoch()) {
      throw new StaleEpochException("request routed under epoch " + epoch + " but member " + memberId
          + " knows epoch " + s.epoch(), s.epoch());
    }
    return s;
  }
}
