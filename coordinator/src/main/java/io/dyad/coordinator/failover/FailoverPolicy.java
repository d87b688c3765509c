package io.dyad.coordinator.failover;

import io.dyad.coordinator.model.AdminHold;
import io.dyad.coordinator.model.FailoverInfo;
import io.dyad.coordinator.model.FailoverState;
import io.dyad.coordinator.model.LiveInfo;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.model.ResyncInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the coordinator leader should change, given the cluster. Pure: no I/O, no clock of its own.
 *
 * <ul>
 *   <li>A member not live for at least the grace period, or held by an operator, is failed over to its
 *       partner — only if the partner is serving (never to a partner that is itself out).
 *   <li>A failed-over member that is live again and not held starts resyncing.
 *   <li>A resyncing member that is no longer live, or is held, goes back to failed over.
 *   <li>A resyncing member that reported CAUGHT_UP for its current incarnation is failed back.
 * </ul>
 */
public final class FailoverPolicy {
  private final Duration grace;

  public FailoverPolicy(Duration grace) {
    this.grace = grace;
  }

  /**
   * @param notLiveSinceMillis for each member seen not live, when it was first seen so (by this leader)
   * @param nowMillis the current time
   */
  public List<Decision> decide(ClusterSnapshot s, Map<String, Long> notLiveSinceMillis, long nowMillis) {
    List<Decision> decisions = new ArrayList<>();
    for (PairInfo pair : s.pairs().values()) {
      for (String member : new String[] {pair.a(), pair.b()}) {
        Decision d = decideFor(s, member, pair.partnerOf(member), notLiveSinceMillis, nowMillis);
        if (d != null) {
          decisions.add(d);
        }
      }
    }
    return decisions;
  }

  private Decision decideFor(ClusterSnapshot s, String member, String partner, Map<String, Long> notLiveSince,
      long now) {
    FailoverInfo record = s.failovers().get(member);
    AdminHold hold = s.holds().get(member);
    LiveInfo live = s.live().get(member);
    if (record == null) {
      boolean gone = live == null && notLiveSince.containsKey(member)
          && now - notLiveSince.get(member) >= grace.toMillis();
      if ((hold != null || gone) && s.isServing(partner)) {
        String reason = hold != null ? "operator: " + hold.reason() : "liveness lost";
        return new Decision.FailOver(member, partner, reason);
      }
      return null;
    }
    if (record.state() == FailoverState.FAILED_OVER) {
      return live != null && hold == null ? new Decision.StartResync(member) : null;
    }
    // RESYNCING
    if (hold != null) {
      return new Decision.BackToFailedOver(member, "operator: " + hold.reason());
    }
    if (live == null) {
      return new Decision.BackToFailedOver(member, "liveness lost while resyncing");
    }
    ResyncInfo progress = s.resync().get(member);
    if (progress != null && progress.state() == ResyncInfo.Phase.CAUGHT_UP
        && progress.incarnation() == live.incarnation()) {
      return new Decision.FailBack(member);
    }
    return null;
  }

  /**
   * When the next grace period ends, after {@code nowMillis}, for a member seen not live and not failed over;
   * -1 if none is pending. Periods that already ended were decided on at {@code nowMillis} and do not count
   * (a pair with both members down would otherwise ask for a decision again and again).
   */
  public long nextDeadline(ClusterSnapshot s, Map<String, Long> notLiveSinceMillis, long nowMillis) {
    long next = -1;
    for (Map.Entry<String, Long> e : notLiveSinceMillis.entrySet()) {
      long due = e.getValue() + grace.toMillis();
      if (!s.failovers().containsKey(e.getKey()) && due > nowMillis) {
        next = next < 0 ? due : Math.min(next, due);
      }
    }
    return next;
  }
}
