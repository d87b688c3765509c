package io.dyad.common.access;

/**
 * A storage resource locator: permission for one operation on one object until a time. {@link Operation#ADMIN}
 * permits every operation on every object (objectId "*"): the operator's credential.
 *
 * @param expiresAtMillis ms since the Unix epoch
 */
public record Locator(Operation operation, String objectId, long expiresAtMillis) {
  public static final String ANY_OBJECT = "*";

  /** What a locator permits. */
  public enum Operation {
    READ,
    WRITE,
    DELETE,
    ADMIN
  }

  /** Whether this locator permits {@code op} on {@code id} (expiry aside). */
  public boolean permits(Operation op, String id) {
    return operation == Operation.ADMIN || (operation == op && objectId.equals(id));
  }
}
