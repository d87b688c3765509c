package io.dyad.common;

/**
 * What a member's failed answer says, for a router (DOSM, resync, client) deciding what to do next. This is the
 * one rule every call site asks; nothing else in Dyad decides whether "the member is down" or "the caller is
 * wrong".
 *
 * <ul>
 *   <li>{@link #MEMBER}: this member cannot do it now (unreachable, overloaded, fenced, full, a corrupt copy, an
 *       expired write session): go to its partner (a read) or go on without it and leave a hint (a write).
 *   <li>{@link #ROUTER}: the router's view of the cluster is older than the member's (StaleEpoch): refresh the
 *       view and ask again; nothing is wrong with the member or the request.
 *   <li>{@link #REQUEST}: the request is wrong, or the answer is definite (NotFound on a read, AlreadyExists):
 *       every member would say the same, so report it to the caller.
 * </ul>
 */
public enum Blame {
  MEMBER,
  ROUTER,
  REQUEST;

  /** Whether the call read or wrote: a few codes mean different things for each. */
  public enum Access {
    READ,
    WRITE
  }

  public static Blame of(DyadException e, Access access) {
    return of(e.code(), access);
  }

  public static Blame of(ErrorCode code, Access access) {
    switch (code) {
      case UNAVAILABLE:
      case INTERNAL:
        return MEMBER;
      case STALE_EPOCH:
        return ROUTER;
      case CHECKSUM_MISMATCH:
        // on a read the member's copy is corrupt; on a write the router checked the bytes itself before the
        // commit, so a member that disagrees received them damaged
        return MEMBER;
      case STORAGE_FULL:
        // the partner may have room: the write goes on degraded, as for an unreachable member
        return access == Access.WRITE ? MEMBER : REQUEST;
      case NOT_FOUND:
        // a read: "not here" is an answer; a write: the member lost (expired) its write session
        return access == Access.WRITE ? MEMBER : REQUEST;
      case INVALID_ARGUMENT:
      case ALREADY_EXISTS:
      case ACCESS_DENIED:
      default:
        return REQUEST;
    }
  }
}
