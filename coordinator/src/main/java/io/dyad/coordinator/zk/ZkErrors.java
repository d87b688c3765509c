package io.dyad.coordinator.zk;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;

/** Turns what a Curator call threw into a Dyad error, keeping the interrupt flag of an interrupted caller. */
public final class ZkErrors {
  private ZkErrors() {}

  /** UNAVAILABLE: ZooKeeper failed (or we were interrupted) while {@code doing}. */
  public static DyadException unavailable(String doing, Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return new DyadException(ErrorCode.UNAVAILABLE, "interrupted while " + doing, e);
    }
    if (e instanceof DyadException d) {
      return d;
    }
    return new DyadException(ErrorCode.UNAVAILABLE, "ZooKeeper failed while " + doing + ": " + e.getMessage(), e);
  }
}
