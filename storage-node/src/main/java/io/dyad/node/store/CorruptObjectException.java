package io.dyad.node.store;

/** An object file failed one of its checks (trailer, table or block checksum, or size). */
final class CorruptObjectException extends Exception {
  private static final long serialVersionUID = 1L;

  CorruptObjectException(String message) {
    super(message);
  }
}
