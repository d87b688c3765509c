package io.dyad.directory.namespace;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;

/** A change that skips ahead of the volume's sequence: the changes in between must be applied first. */
public final class OutOfOrderException extends DyadException {
  private static final long serialVersionUID = 1L;

  private final long lastApplied;

  public OutOfOrderException(String volume, long lastApplied, long offered) {
    super(ErrorCode.UNAVAILABLE, "volume " + volume + " has applied changes up to " + lastApplied + "; change "
        + offered + " cannot come before " + (lastApplied + 1));
    this.lastApplied = lastApplied;
  }

  /** The last change the volume has applied: send from the one after. */
  public long lastApplied() {
    return lastApplied;
  }
}
