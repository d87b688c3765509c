package io.dyad.common;

/**
 * Why an operation failed. All but the last are the codes of the Thrift IDL's typed exceptions
 * (common.thrift, same numbers); {@link #INTERNAL} stands for a fault on the far side that Thrift reports
 * as a {@code TApplicationException}.
 */
public enum ErrorCode {
  NOT_FOUND(1),
  ALREADY_EXISTS(2),
  CHECKSUM_MISMATCH(3),
  INVALID_ARGUMENT(4),
  STORAGE_FULL(5),
  STALE_EPOCH(6),
  UNAVAILABLE(7),
  ACCESS_DENIED(8),
  NOT_A_DIRECTORY(9),
  IS_A_DIRECTORY(10),
  NOT_EMPTY(11),
  INTERNAL(99);

  private final int wireValue;

  ErrorCode(int wireValue) {
    this.wireValue = wireValue;
  }

  /** The number used for this code on the wire. */
  public int wireValue() {
    return wireValue;
  }

  /**
   * Whether a caller may reasonably retry the same request on another member (or later): the request was
   * fine, the member was not.
   */
  public boolean isRetriableElsewhere() {
    return this == UNAVAILABLE || this == INTERNAL;
  }
}
