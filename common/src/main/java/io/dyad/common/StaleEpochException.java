package io.dyad.common;

/** A request routed under an older failover epoch than the member knows; carries the member's epoch. */
public final class StaleEpochException extends DyadException {
  private static final long serialVersionUID = 1L;

  private final long currentEpoch;

  public StaleEpochException(String message, long currentEpoch) {
    super(ErrorCode.STALE_EPOCH, message);
    this.currentEpoch = currentEpoch;
  }

  /** The epoch the member knows: refresh the cluster view to at least this before retrying. */
  public long currentEpoch() {
    return currentEpoch;
  }
}
