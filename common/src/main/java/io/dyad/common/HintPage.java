package io.dyad.common;

import java.util.List;
import java.util.Optional;

/**
 * One page of the hints a member holds for another: objects (or tombstones) that the other member lacks.
 *
 * @param ids the hinted objects, in the holder's listing order
 * @param nextCursor where the next page starts; empty on the last page
 */
public record HintPage(List<ObjectId> ids, Optional<String> nextCursor) {
  public HintPage {
    ids = List.copyOf(ids);
  }
}
