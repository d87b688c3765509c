package io.dyad.coordinator.fencing;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.StaleEpochException;
import io.dyad.coordinator.membership.Registration;
import io.dyad.coordinator.model.AdmittedInfo;
import io.dyad.coordinator.model.FailoverInfo;
import io.dyad.coordinator.model.FailoverState;
import io.dyad.coordinator.model.LiveInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.coordinator.view.ClusterView;
import java.util.Optional;

/**
 * Fencing for a cluster member (a storage node or a directory server):
 *
 * <ul>
 *   <li>without a registration (its session is known lost) it serves nothing; it takes writes only while its
 *       registration is confirmed within the lease (through a ZooKeeper outage reads go on, writes stop when the
 *       lease runs out): its partner may already serve alone;
 *   <li>a request routed under an epoch older than the member knows is refused with StaleEpoch, so the router
 *       refreshes its view;
 *   <li>it serves reads only while it serves: not failed over, and its live incarnation admitted by the
 *       coordinator. A new incarnation (a restart, another disk) is JOINING until the coordinator
 *       decides: no reads, no writes. A RESYNCING member takes writes but serves no reads; a FAILED_OVER one does
 *       neither. All of them answer lookups (what they hold).
 * </ul>
 */
public class MemberGate {
  private final String memberId;
  private final Registration registration;
  private final ClusterView view;

  public MemberGate(String memberId, Registration registration, ClusterView view) {
    this.memberId = memberId;
    this.registration = registration;
    this.view = view;
  }

  public String memberId() {
    return memberId;
  }

  /** The view this gate decides from. */
  public ClusterView view() {
    return view;
  }

  public Registration registration() {
    return registration;
  }

  /** Before serving a read. @throws DyadException UNAVAILABLE or STALE_EPOCH; returns the snapshot decided from */
  public ClusterSnapshot checkRead(long epoch) throws DyadException {
    ClusterSnapshot s = registered(epoch);
    Status status = statusIn(s);
    if (!status.name().equals("SERVING")) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "member " + memberId + " serves no reads now: " + status.detail());
    }
    return s;
  }

  /** Before taking a write. @throws DyadException UNAVAILABLE or STALE_EPOCH; returns the snapshot decided from */
  public ClusterSnapshot checkWrite(long epoch) throws DyadException {
    requireWriteLease();
    ClusterSnapshot s = registered(epoch);
    if (epoch <= 0) {
      // a write must be fenced: one that names no epoch could come from a router that missed a failover
      throw new StaleEpochException("a write must carry the cluster epoch it was routed under, not " + epoch
          + "; member " + memberId + " knows epoch " + s.epoch(), s.epoch());
    }
    Status status = statusIn(s);
    if (!status.name().equals("SERVING") && !status.name().equals("RESYNCING")) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "member " + memberId + " takes no writes now: " + status.detail());
    }
    return s;
  }

  /** Before telling what the member itself holds, whatever its failover state. @throws DyadException as above */
  public ClusterSnapshot checkLookup(long epoch) throws DyadException {
    return registered(epoch);
  }

  /** @throws DyadException UNAVAILABLE unless the registration is confirmed within its lease (writes are safe) */
  public void requireWriteLease() throws DyadException {
    if (!registration.mayAcceptWrites()) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "member " + memberId
          + " has no confirmed ZooKeeper registration right now; it takes no writes (fenced)");
    }
  }

  /** What the member may do now, as its health reports it. */
  public Status status() {
    if (!registration.mayServe()) {
      return new Status("FENCED", "no valid ZooKeeper registration: its session was lost; registering again");
    }
    return statusIn(view.current());
  }

  /** The member's status in snapshot {@code s}. */
  public Status statusIn(ClusterSnapshot s) {
    Optional<LiveInfo> me = registration.current();
    if (me.isEmpty()) {
      return new Status("FENCED", "not registered in ZooKeeper");
    }
    FailoverInfo f = s.failovers().get(memberId);
    if (f != null && f.state() == FailoverState.FAILED_OVER) {
      return new Status("FAILED_OVER", "failed over at epoch " + f.epoch() + " (" + f.reason() + "); "
          + f.servedBy() + " serves in its place");
    }
    if (f != null) {
      return new Status("RESYNCING", "catching up with " + f.servedBy() + " since epoch " + f.epoch()
          + "; takes writes, serves no reads");
    }
    AdmittedInfo admitted = s.admitted().get(memberId);
    if (admitted == null || admitted.incarnation() != me.get().incarnation()) {
      return new Status("JOINING", "incarnation " + me.get().incarnation()
          + " waits for the coordinator to admit it (admitted: " + (admitted == null ? "none" : admitted.incarnation())
          + "); serves no reads until it has caught up");
    }
    return new Status("SERVING", "serves reads and writes (incarnation " + admitted.incarnation() + ", admitted at epoch "
        + admitted.epoch() + ")");
  }

  /** The snapshot to decide from, once the member is registered and the request's epoch is not stale. */
  private ClusterSnapshot registered(long epoch) throws DyadException {
    if (!registration.mayServe()) {
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

  /** @param name SERVING, RESYNCING, JOINING, FAILED_OVER or FENCED; @param detail why */
  public record Status(String name, String detail) {}
}
