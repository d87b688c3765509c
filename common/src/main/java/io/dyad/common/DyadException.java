package io.dyad.common;

import static java.util.Objects.requireNonNull;

/**
 * The one exception type of Dyad's own code: an {@link ErrorCode} and a message written for the person who
 * will read it (an operator or a client's developer). The message is one sentence and names the thing
 * that failed; the cause, if any, is kept.
 */
public class DyadException extends Exception {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public DyadException(ErrorCode code, String message) {
    super(requireNonNull(message, "message"));
    this.code = requireNonNull(code, "code");
  }

  public DyadException(ErrorCode code, String message, Throwable cause) {
    super(requireNonNull(message, "message"), cause);
    this.code = requireNonNull(code, "code");
  }

  public ErrorCode code() {
    return code;
  }

  public static DyadException notFound(String message) {
    return new DyadException(ErrorCode.NOT_FOUND, message);
  }

  public static DyadException invalidArgument(String message) {
    return new DyadException(ErrorCode.INVALID_ARGUMENT, message);
  }

  public static DyadException unavailable(String message, Throwable cause) {
    return new DyadException(ErrorCode.UNAVAILABLE, message, cause);
  }

  @Override
  public String toString() {
    return code + ": " + getMessage();
  }
}
