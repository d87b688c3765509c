package io.dyad.coordinator.failover;

import io.dyad.coordinator.model.AdminHold;
import io.dyad.coordinator.model.AdmittedInfo;
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
import java.util.Objects;

/**
 * What the coordinator leader should change, given the cluster. Pure: no I/O, no clock of its own.
 *
 * <p>A member <em>serves</em> when it is live, has no failover record, and its live incarnation is the admitted
 * one. The rules, for each member M with partner P:
 *
 * <ul>
 *   <li>M not live for the grace period, or held by an operator, is failed over — only to a P that serves.
 *   <li>M live with a new incarnation (it restarted, lost its session, or came back on another disk) serves no
 *       reads until it is admitted again:
 *       <ul>
 *         <li>if P serves, M rejoins: it resyncs from P (RESYNCING), then fails back and is admitted;
 *         <li>if M cannot lack anything (the pair never served; or M came back on the data directory it served
 *             from and P has not taken a write since), M is admitted at once;
 *         <li>otherwise, if P is live, M rejoins from P even though P does not serve: each merges what the other
 *             holds, so the union of both is on each;
 *         <li>otherwise M waits: the pair answers Unavailable rather than wrong answers.
 *       </ul>
 *   <li>A failed-over M that is live again and not held starts resyncing; a resyncing M that goes away or is held
 *       goes back to failed over.
 *   <li>A pair added to the running cluster (joining) joins placement once both its members serve.
 *   <li>A resyncing M that reported CAUGHT_UP for its live incarnation fails back (and is admitted) if P serves, or
 *       if M held everything when it stopped ({@code wasComplete}) and runs on the same data directory.
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
      if (pair.joining() && s.isServing(pair.a()) && s.isServing(pair.b())) {
        decisions.add(new Decision.ActivatePair(pair.a(), pair.id()));
        continue;
      }
      if (neverServed(s, pair)) {
        // nothing was ever written to this pair (only admitted or resyncing members take writes): whoever is up
        // may serve at once; a member that comes later rejoins from it
        for (String member : new String[] {pair.a(), pair.b()}) {
          if (s.isLive(member) && !s.holds().containsKey(member)) {
            decisions.add(admit(s, member, "a new pair"));
          }
        }
        continue;
      }
      for (String member : new String[] {pair.a(), pair.b()}) {
        Decision d = decideFor(s, member, pair.partnerOf(member), notLiveSinceMillis, nowMillis);
        if (d != null) {
          decisions.add(d);
          break; // one change per pair at a time: the next snapshot shows its effect on the partner
        }
      }
    }
    return decisions;
  }

  private Decision decideFor(ClusterSnapshot s, String member, String partner, Map<String, Long> notLiveSince,
      long now) {
    FailoverInfo record = s.failovers().get(member);
    if (record == null) {
      return decideWithoutRecord(s, member, partner, notLiveSince, now);
    }
    AdminHold hold = s.holds().get(member);
    LiveInfo live = s.live().get(member);
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
    boolean caughtUp = progress != null && progress.state() == ResyncInfo.Phase.CAUGHT_UP
        && progress.incarnation() == live.incarnation();
    if (caughtUp && (s.isServing(partner) || (record.wasComplete() && onAdmittedData(s, member)))) {
      return new Decision.FailBack(member, live.incarnation(), live.dataId());
    }
    return null;
  }

  private Decision decideWithoutRecord(ClusterSnapshot s, String member, String partner,
      Map<String, Long> notLiveSince, long now) {
    AdminHold hold = s.holds().get(member);
    LiveInfo live = s.live().get(member);
    boolean gone = live == null && notLiveSince.containsKey(member)
        && now - notLiveSince.get(member) >= grace.toMillis();
    if ((hold != null || gone) && s.isServing(partner)) {
      String reason = hold != null ? "operator: " + hold.reason() : "liveness lost";
      return new Decision.FailOver(member, partner, reason);
    }
    if (live == null || s.isAdmitted(member) || hold != null) {
      return null;
    }
    // a new incarnation of a member that was not failed over
    if (s.isServing(partner)) {
      return new Decision.Rejoin(member, partner, live.incarnation(), onAdmittedData(s, member),
          rejoinReason(s, member));
    }
    if (partnerTookNothingSince(s, member, partner)) {
      return admit(s, member, "came back on the data it served from; its partner took no writes meanwhile");
    }
    if (s.isLive(partner)) {
      return new Decision.Rejoin(member, partner, live.incarnation(), onAdmittedData(s, member),
          rejoinReason(s, member) + "; its partner does not serve either, so each takes what the other holds");
    }
    return null;
  }

  private static Decision admit(ClusterSnapshot s, String member, String reason) {
    LiveInfo live = s.live().get(member);
    return new Decision.Admit(member, live.incarnation(), live.dataId(), reason);
  }

  private static String rejoinReason(ClusterSnapshot s, String member) {
    AdmittedInfo a = s.admitted().get(member);
    if (a == null) {
      return "joins for the first time";
    }
    return onAdmittedData(s, member) ? "new incarnation " + s.live().get(member).incarnation() + " (was "
        + a.incarnation() + ")" : "came back on another data directory";
  }

  /** Neither member of the pair was ever admitted nor failed over: the pair never took a write. */
  private static boolean neverServed(ClusterSnapshot s, PairInfo pair) {
    return !s.admitted().containsKey(pair.a()) && !s.admitted().containsKey(pair.b())
        && !s.failovers().containsKey(pair.a()) && !s.failovers().containsKey(pair.b());
  }

  /** The member runs on the data directory it was admitted with. */
  private static boolean onAdmittedData(ClusterSnapshot s, String member) {
    AdmittedInfo a = s.admitted().get(member);
    LiveInfo live = s.live().get(member);
    return a != null && live != null && a.dataId() != null && Objects.equals(a.dataId(), live.dataId());
  }

  /**
   * Whether the member, back on the data it served from, cannot lack a write its partner took: the partner never
   * took writes (never admitted, never failed over), or it has been failed over and has not taken a write since
   * the member was admitted.
   */
  private static boolean partnerTookNothingSince(ClusterSnapshot s, String member, String partner) {
    if (!onAdmittedData(s, member)) {
      return false;
    }
    FailoverInfo p = s.failovers().get(partner);
    if (p == null) {
      return !s.admitted().containsKey(partner) && !s.isLive(partner);
    }
    return p.state() == FailoverState.FAILED_OVER && p.lastWritableEpoch() < s.admitted().get(member).epoch();
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
