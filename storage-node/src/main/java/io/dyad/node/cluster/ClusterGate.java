package io.dyad.node.cluster;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.access.DaemonAuth;
import io.dyad.common.access.Locators;
import io.dyad.coordinator.fencing.MemberGate;
import io.dyad.coordinator.membership.Registration;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.node.server.AccessGate;
import java.util.List;
import java.util.Optional;

/**
 * A storage node's fencing as a cluster member: the rules of {@link MemberGate} (registration, lease, epoch,
 * failover state); after each admission no reads until the hints its partner holds for it are collected
 * and after each new registration ({@link HintSettlement}); and hints kept only for the node's partner. A JOINING node's writes go to its partner
 * with hints.
 */
public final class ClusterGate implements AccessGate {
  private final MemberGate member;
  private final HintSettlement settlement;
  private final Optional<DaemonAuth> daemons;
  private final Optional<Locators> locators;

  public ClusterGate(String memberId, Registration registration, ClusterView view, HintSettlement settlement) {
    this(memberId, registration, view, settlement, Optional.empty());
  }

  /** @param daemons how callers prove they are Dyad daemons (empty in a cluster without a secret) */
  public ClusterGate(String memberId, Registration registration, ClusterView view, HintSettlement settlement,
      Optional<DaemonAuth> daemons) {
    this(memberId, registration, view, settlement, daemons, Optional.empty());
  }

  /** @param locators how clients prove they may read an object directly (empty in a cluster without a secret) */
  public ClusterGate(String memberId, Registration registration, ClusterView view, HintSettlement settlement,
      Optional<DaemonAuth> daemons, Optional<Locators> locators) {
    this.member = new MemberGate(memberId, registration, view);
    this.settlement = settlement;
    this.daemons = daemons;
    this.locators = locators;
  }

  @Override
  public Optional<DaemonAuth> daemons() {
    return daemons;
  }

  @Override
  public Optional<Locators> locators() {
    return locators;
  }

  @Override
  public void checkRead(long epoch) throws DyadException {
    ClusterSnapshot s = member.checkRead(epoch);
    if (!settlement.isSettled(s.admitted().get(member.memberId()), member.registration().current())) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "member " + member.memberId() + " was just admitted (or "
          + "registered again) and first collects what its partner took for it meanwhile; it serves no reads until "
          + "then");
    }
  }

  @Override
  public void checkWrite(long epoch) throws DyadException {
    member.checkWrite(epoch);
  }

  @Override
  public void checkLookup(long epoch) throws DyadException {
    member.checkLookup(epoch);
  }

  @Override
  public void checkHintTargets(List<String> members) throws DyadException {
    if (members.isEmpty()) {
      return;
    }
    Optional<String> partner = member.view().current().partnerOf(member.memberId());
    for (String m : members) {
      if (partner.isEmpty() || !partner.get().equals(m)) {
        throw DyadException.invalidArgument("member " + member.memberId() + " keeps hints only for its partner "
            + partner.orElse("(none in the cluster view)") + ", not for '" + m + "'");
      }
    }
  }

  @Override
  public Status status() {
    MemberGate.Status s = member.status();
    return new Status(s.name(), s.detail());
  }
}
