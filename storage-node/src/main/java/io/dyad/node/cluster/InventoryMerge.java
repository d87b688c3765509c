package io.dyad.node.cluster;

import io.dyad.common.DyadException;
import io.dyad.common.InventoryPage;
import io.dyad.common.ObjectMeta;
import io.dyad.node.store.FanoutLayout;
import java.util.Comparator;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Walks an inventory page by page in the order every member lists objects (fan-out bucket, then id), so two
 * members' inventories can be compared in one merge pass.
 */
final class InventoryMerge {
  /** The listing order of every member. */
  static final Comparator<ObjectMeta> ORDER = Comparator
      .comparingInt((ObjectMeta m) -> FanoutLayout.bucketOf(m.id()))
      .thenComparing(m -> m.id().value());

  /** Fetches one page after a cursor (empty: from the start). */
  @FunctionalInterface
  interface PageSource {
    InventoryPage page(String cursor) throws DyadException;
  }

  /** A peekable cursor over an inventory. */
  static final class Cursor {
    private final PageSource source;
    private Iterator<ObjectMeta> page;
    private Optional<String> next;
    private ObjectMeta head;

    Cursor(PageSource source) {
      this(source, "");
    }

    /** @param from where to start: a cursor a listing issued ("" for the start) */
    Cursor(PageSource source, String from) {
      this.source = source;
      this.next = Optional.of(from);
    }

    /** The current entry, or null at the end. */
    ObjectMeta peek() throws DyadException {
      while (head == null) {
        if (page != null && page.hasNext()) {
          head = page.next();
        } else if (next.isPresent()) {
          InventoryPage p = source.page(next.get());
          page = p.entries().iterator();
          next = p.nextCursor();
        } else {
          return null;
        }
      }
      return head;
    }

    ObjectMeta take() throws DyadException {
      ObjectMeta m = peek();
      if (m == null) {
        throw new NoSuchElementException();
      }
      head = null;
      return m;
    }
  }

  private InventoryMerge() {}
}
