package io.dyad.directory.api;

import io.dyad.coordinator.model.AdmittedInfo;
import io.dyad.coordinator.model.FailoverInfo;
import io.dyad.coordinator.model.FailoverState;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import java.util.Optional;

/**
 * Who does what in a directory pair, read from the cluster view. Pure.
 *
 * <p>The <em>primary</em> orders a pair's changes: of the members that serve, the one admitted longest ago (the
 * lower admission epoch; the pair's first member on a tie). So a member that fails back after catching up becomes
 * the duplicate and the primary stays where it was: a failback never moves the ordering of changes, only a failure
 * does, and the member that fails is fenced by then.
 */
public final class PairRoles {
  private PairRoles() {}

  /** The member of {@code pair} that orders its changes in {@code s}, if one serves. */
  public static Optional<String> primary(ClusterSnapshot s, PairInfo pair) {
    boolean a = s.isServing(pair.a());
    boolean b = s.isServing(pair.b());
    if (a && b) {
      AdmittedInfo ia = s.admitted().get(pair.a());
      AdmittedInfo ib = s.admitted().get(pair.b());
      return Optional.of(ib.epoch() < ia.epoch() ? pair.b() : pair.a());
    }
    return a ? Optional.of(pair.a()) : b ? Optional.of(pair.b()) : Optional.empty();
  }

  /** Whether {@code member} is the primary of its pair in {@code s}. */
  public static boolean isPrimary(ClusterSnapshot s, String member) {
    return s.pairOf(member).flatMap(p -> primary(s, p)).map(member::equals).orElse(false);
  }

  /** What the primary must do with its partner before it acknowledges a change. */
  public enum PartnerDuty {
    /** the partner serves (or has joined while catching up): it must hold the change first */
    REPLICATE,
    /** the coordinator has declared the partner failed over (or catching up, not joined yet): go on alone */
    ALONE,
    /** the partner is neither serving nor declared failed over (it just stopped or restarted): wait for a decision */
    WAIT
  }

  /**
   * @param joinedIncarnation the partner's incarnation that joined synchronous replication while catching up, or -1
   */
  public static PartnerDuty duty(ClusterSnapshot s, String partner, long joinedIncarnation) {
    if (s.isServing(partner)) {
      return PartnerDuty.REPLICATE;
    }
    FailoverInfo f = s.failovers().get(partner);
    if (f == null) {
      return PartnerDuty.WAIT;
    }
    boolean joined = f.state() == FailoverState.RESYNCING && s.isLive(partner)
        && s.live().get(partner).incarnation() == joinedIncarnation;
    return joined ? PartnerDuty.REPLICATE : PartnerDuty.ALONE;
  }
}
