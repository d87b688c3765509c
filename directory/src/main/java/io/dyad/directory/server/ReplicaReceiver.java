package io.dyad.directory.server;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.StaleEpochException;
import io.dyad.coordinator.fencing.MemberGate;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.directory.api.PairRoles;
import io.dyad.directory.namespace.NamespaceStore;
import io.dyad.thrift.Change;
import java.util.List;

/**
 * The duplicate's side of replication: applies the changes its partner sends, strictly in order, if the partner is
 * the pair's primary under the same epoch as this member's view (a sender behind gets StaleEpoch; a sender ahead
 * gets UNAVAILABLE and sends again once this view has caught up). Both directories then decide from the same view,
 * so they agree on who orders the pair's changes.
 */
final class ReplicaReceiver {
  private final String memberId;
  private final NamespaceStore store;
  private final MemberGate gate;

  ReplicaReceiver(String memberId, NamespaceStore store, MemberGate gate) {
    this.memberId = memberId;
    this.store = store;
    this.gate = gate;
  }

  /** Returns this directory's last sequence number of the volume after applying what follows it. */
  long replicate(String sender, String volume, List<Change> changes, long epoch) throws DyadException {
    gate.requireWriteLease();
    ClusterSnapshot s = gate.view().current();
    if (epoch < s.epoch()) {
      throw new StaleEpochException("changes sent by " + sender + " under epoch " + epoch + " but " + memberId
          + " knows epoch " + s.epoch(), s.epoch());
    }
    if (epoch > s.epoch()) {
      throw new DyadException(ErrorCode.UNAVAILABLE, memberId + " has not seen epoch " + epoch + " yet (it is at "
          + s.epoch() + "); send again shortly");
    }
    if (!s.partnerOf(memberId).map(sender::equals).orElse(false)) {
      throw DyadException.invalidArgument(sender + " is not the partner of " + memberId);
    }
    if (!PairRoles.isPrimary(s, sender)) {
      throw new DyadException(ErrorCode.UNAVAILABLE, sender + " is not the primary of the pair at epoch " + s.epoch());
    }
    return store.applyInOrder(volume, changes);
  }
}
