package io.dyad.node.store;

import io.dyad.common.DyadException;
import io.dyad.common.ObjectId;

/**
 * Where an inventory listing resumes: after {@code lastId} in {@code bucket}. Encoded as "xxxx/lastId", the same on
 * every member (they all list in the same order), so a position in one member's inventory is one in its partner's.
 */
public record InventoryCursor(int bucket, String lastId) {

  /** The cursor of a listing that resumes right after {@code id}, on any member. */
  public static String after(ObjectId id) {
    return new InventoryCursor(FanoutLayout.bucketOf(id), id.value()).encode();
  }

  static final InventoryCursor START = new InventoryCursor(0, null);

  static InventoryCursor parse(String cursor) throws DyadException {
    if (cursor == null || cursor.isEmpty()) {
      return START;
    }
    int slash = cursor.indexOf('/');
    if (slash == 4) {
      try {
        int bucket = Integer.parseInt(cursor.substring(0, 4), 16);
        String last = cursor.substring(5);
        if (ObjectId.problemWith(last) == null) {
          return new InventoryCursor(bucket, last);
        }
      } catch (NumberFormatException e) {
        // fall through to the refusal below
      }
    }
    throw DyadException.invalidArgument("cursor '" + cursor + "' was not issued by this node");
  }

  String encode() {
    return String.format("%04x/%s", bucket, lastId);
  }
}
