package io.dyad.dosm;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import java.nio.charset.StandardCharsets;

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
    PairInfo best = null;
    long bestWeight = 0;
    for (PairInfo p : s.pairs().values()) {
      if (p.kind() != MemberKind.STORAGE || p.joining()) {
        continue;
      }
      long w = weight(p.id(), id);
      if (best == null || Long.compareUnsigned(w, bestWeight) > 0
          || (w == bestWeight && p.id().compareTo(best.id()) < 0)) {
        best = p;
        bestWeight = w;
      }
    }
    if (best == null) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "the cluster has no storage pairs");
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
