package io.dyad.dosm;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.model.RebalanceInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Object id to storage pair by rendezvous (highest-random-weight) hashing: every pair gets a weight
 * hash(pair id, object id) and the heaviest wins. Adding a pair moves only the objects it wins; removing one
 * moves only its own. Every DOSM computes the same answer from the same pair map. A pair still joining (added to a
 * running cluster, its members not both serving yet) takes no part; the epoch changes when it starts to.
 */
public final class Placement {
  private static final HashFunction HASH = Hashing.murmur3_128();

  private Placement() {}

  /** @throws DyadException UNAVAILABLE if the cluster has no storage pair */
  public static PairInfo pairFor(ObjectId id, ClusterSnapshot s) throws DyadException {
    PairInfo best = heaviest(id, s, Placement::placesObjects);
    if (best == null) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "the cluster has no storage pairs");
    }
    return best;
  }

  /**
   * While the rebalancer runs after the storage pairs changed: the pair placement gave the object among the pairs
   * before the change, if that is not its pair now. The object may still be there, or a tombstone for it.
   */
  public static Optional<PairInfo> previousPairFor(ObjectId id, ClusterSnapshot s) throws DyadException {
    RebalanceInfo r = s.rebalance().orElse(null);
    if (r == null) {
      return Optional.empty();
    }
    // a record for another set of pairs: the set just changed, and the rebalancer has not begun yet
    String previous = !r.placement().equals(pairIds(s)) ? r.placement() : r.done() ? null : r.previous();
    if (previous == null) {
      return Optional.empty();
    }
    Set<String> before = Set.of(previous.split(","));
    PairInfo then = heaviest(id, s, p -> p.kind() == MemberKind.STORAGE && before.contains(p.id()));
    return then == null || then.id().equals(pairFor(id, s).id()) ? Optional.empty() : Optional.of(then);
  }

  /** The storage pairs placement runs over: sorted ids, comma-separated (as {@code /dyad/rebalance} records them). */
  public static String pairIds(ClusterSnapshot s) {
    return s.pairs().values().stream().filter(Placement::placesObjects).map(PairInfo::id).sorted()
        .collect(Collectors.joining(","));
  }

  /** The members of the pairs placement runs over, sorted. */
  public static List<String> members(ClusterSnapshot s) {
    return s.pairs().values().stream().filter(Placement::placesObjects).flatMap(p -> Stream.of(p.a(), p.b()))
        .sorted().toList();
  }

  private static boolean placesObjects(PairInfo p) {
    return p.kind() == MemberKind.STORAGE && !p.joining();
  }

  /**
   * Of the pairs of {@code s} that {@code eligible} accepts, the one with the highest weight for {@code id} (the
   * lowest id on a tie), or null if none. Every read and write asks, so it iterates rather than copying the pairs.
   */
  private static PairInfo heaviest(ObjectId id, ClusterSnapshot s, Predicate<PairInfo> eligible) {
    PairInfo best = null;
    long bestWeight = 0;
    for (PairInfo p : s.pairs().values()) {
      if (!eligible.test(p)) {
        continue;
      }
      long w = weight(p.id(), id);
      if (best == null || Long.compareUnsigned(w, bestWeight) > 0
          || (w == bestWeight && p.id().compareTo(best.id()) < 0)) {
        best = p;
        bestWeight = w;
      }
    }
    return best;
  }

  static long weight(String pairId, ObjectId id) {
    return HASH.newHasher()
        .putString(pairId, StandardCharsets.UTF_8)
        .putByte((byte) 0)
        .putString(id.value(), StandardCharsets.UTF_8)
        .hash().asLong();
  }
}
