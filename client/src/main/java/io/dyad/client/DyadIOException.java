package io.dyad.client;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.io.IOException;

/**
 * A Dyad failure met inside a stream's {@code read} or {@code write}, which may only throw {@link IOException}: the
 * typed failure is {@link #dyad()}.
 */
public final class DyadIOException extends IOException {
  private static final long serialVersionUID = 1L;

  public DyadIOException(DyadException cause) {
    super(cause.getMessage(), cause);
  }

  /** The failure, with its code. */
  public DyadException dyad() {
    return (DyadException) getCause();
  }

  public ErrorCode code() {
    return dyad().code();
  }
}
