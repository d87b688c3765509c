package io.dyad.node.store;

import io.dyad.common.DyadException;
import io.dyad.common.ObjectId;

/** Where an inventory listing resumes: after {@code lastId} in {@code bucket}. Encoded as "xxxx/lastId". */
record InventoryCursor(int bucket, String lastId) {

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
