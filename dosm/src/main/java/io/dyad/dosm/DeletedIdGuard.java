package io.dyad.dosm;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.Presence;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import java.util.List;
import java.util.Optional;

/**
 * A deleted id is not used again: a pair refuses a put of an id it holds a tombstone for. While the rebalancer moves
 * objects after a pair joined, the tombstone may still be on the object's previous pair only; a put naming that id
 * would then land on the empty new pair, and the rebalancer, moving the tombstone later, would delete what the put
 * stored. So a put that names its id asks the previous pair's live members first, as a read asks the partner.
 */
final class DeletedIdGuard {
  private DeletedIdGuard() {}

  /**
   * @throws DyadException ALREADY_EXISTS if a member of the object's previous pair holds a tombstone for it;
   *     UNAVAILABLE if none of its members could be asked; STALE_EPOCH as they answer
   */
  static void refuseIfDeletedBefore(ObjectId id, ClusterSnapshot s, PutContext ctx) throws DyadException {
    Optional<PairInfo> before = Placement.previousPairFor(id, s);
    if (before.isEmpty()) {
      return;
    }
    DyadException unreachable = null;
    boolean answered = false;
    for (String member : List.of(before.get().a(), before.get().b())) {
      if (!s.isLive(member)) {
        continue;
      }
      try {
        Presence p = ctx.nodes().has(Router.address(member, s), id, s.epoch());
        if (p == Presence.DELETED) {
          throw new DyadException(ErrorCode.ALREADY_EXISTS, "object " + id + " was deleted; its id is not used again");
        }
        answered = true;
      } catch (DyadException e) {
        if (e.code() == ErrorCode.ALREADY_EXISTS || e.code() == ErrorCode.STALE_EPOCH) {
          throw e;
        }
        unreachable = e;
      }
    }
    if (!answered) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "object " + id + " may still be on pair " + before.get().id()
          + ", which the cluster is moving objects from, and no member of it answered; retry", unreachable);
    }
  }
}
