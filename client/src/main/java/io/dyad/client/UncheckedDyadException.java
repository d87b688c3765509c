package io.dyad.client;

import io.dyad.common.DyadException;

/** A Dyad failure met inside an {@link java.util.Iterator}, which cannot throw checked exceptions. */
public final class UncheckedDyadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UncheckedDyadException(DyadException cause) {
    super(cause.getMessage(), cause);
  }

  /** The failure, with its code. */
  public DyadException dyad() {
    return (DyadException) getCause();
  }
}
