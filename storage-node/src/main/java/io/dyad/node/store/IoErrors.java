package io.dyad.node.store;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.io.IOException;

/** Turns an I/O failure into the error a caller can act on: a full disk is STORAGE_FULL, the rest UNAVAILABLE. */
final class IoErrors {
  private IoErrors() {}

  static DyadException translate(IOException e, String doing) {
    if (isDiskFull(e)) {
      return new DyadException(ErrorCode.STORAGE_FULL, "no space left on the device while " + doing, e);
    }
    return new DyadException(ErrorCode.UNAVAILABLE, "I/O error while " + doing + ": " + e.getMessage(), e);
  }

  /** ENOSPC and EDQUOT reach Java only as a message. */
  static boolean isDiskFull(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
        return true;
      }
    }
    return false;
  }
}
