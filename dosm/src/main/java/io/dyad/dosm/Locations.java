package io.dyad.dosm;

import io.dyad.common.ObjectId;
import io.dyad.common.Presence;
import java.util.List;

/** Where the copies of an object are: its pair, and every member that holds it or its tombstone. */
public record Locations(ObjectId id, String pairId, List<Location> locations) {

  /** One copy. {@code how}: "placement" (a member of its pair) or "search" (found elsewhere). */
  public record Location(String member, String address, String center, Presence state, String how) {}
}
