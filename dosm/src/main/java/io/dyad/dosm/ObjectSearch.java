package io.dyad.dosm;

import io.dyad.common.ObjectId;
import io.dyad.common.Presence;
import io.dyad.coordinator.view.ClusterSnapshot;
import java.util.List;
import java.util.Set;

/**
 * Finds which members of a storage center hold an object (or its tombstone) — used when the members
 * placement names do not have it. Implementations: {@link PointToPointSearch} (a Thrift {@code has} call to
 * each node of the center, in parallel) and {@link MulticastSearch} (one "who has O?" datagram to the center's
 * group; holders answer by unicast). Both wait a bounded time: a search for an object that is nowhere ends
 * quickly with nothing.
 */
public interface ObjectSearch extends AutoCloseable {

  /** A member that answered that it holds the object or a tombstone. */
  record Found(String member, String center, Presence state) {}

  /**
   * Asks the storage members of {@code center} (except {@code exclude}) about {@code id}.
   *
   * @param firstOnly return as soon as one holder answers (a read needs one copy; locate wants them all)
   * @return the members that hold it or a tombstone; empty if none answered in time
   */
  List<Found> search(ObjectId id, String center, ClusterSnapshot s, Set<String> exclude, boolean firstOnly)
      throws InterruptedException;

  /** The search mode's name, for logs and status. */
  String mode();

  @Override
  void close();
}
