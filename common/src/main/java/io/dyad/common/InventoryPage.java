package io.dyad.common;

import java.util.List;
import java.util.Optional;

/**
 * One page of a member's inventory.
 *
 * @param entries objects and tombstones, in the member's stable listing order
 * @param nextCursor where the next page starts; empty on the last page
 */
public record InventoryPage(List<ObjectMeta> entries, Optional<String> nextCursor) {
  public InventoryPage {
    entries = List.copyOf(entries);
  }
}
