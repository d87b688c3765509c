package io.dyad.client;

import io.dyad.common.Presence;
import java.util.List;

/** Where an object's copies are: the pair placement picks, and each member holding it or its tombstone. */
public record Located(String objectId, String pairId, List<Copy> copies) {

  /** {@code how}: "placement" (a member of its pair) or "search" (found elsewhere). */
  public record Copy(String member, String address, String center, Presence state, String how) {}
}
