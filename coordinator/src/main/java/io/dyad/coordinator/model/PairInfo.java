package io.dyad.coordinator.model;

/**
 * {@code /dyad/pairs/<pairId>}: two partner members and the explicit mapping of the first address to the
 * second (claims 2 and 12 of the seed).
 *
 * @param joining the pair was added to a running cluster and does not take part in placement yet: the coordinator
 *     clears the flag (and bumps the epoch) once both members serve. Absent in the znode means false
 */
public record PairInfo(String id, MemberKind kind, String a, String b, String aAddress, String bAddress,
    boolean joining) {

  /** A pair that takes part in placement. */
  public PairInfo(String id, MemberKind kind, String a, String b, String aAddress, String bAddress) {
    this(id, kind, a, b, aAddress, bAddress, false);
  }

  /** This pair with the joining flag set to {@code value}. */
  public PairInfo withJoining(boolean value) {
    return new PairInfo(id, kind, a, b, aAddress, bAddress, value);
  }

  /** The other member of the pair, or null if {@code member} is not in it. */
  public String partnerOf(String member) {
    if (a.equals(member)) {
      return b;
    }
    if (b.equals(member)) {
      return a;
    }
    return null;
  }

  public boolean contains(String member) {
    return a.equals(member) || b.equals(member);
  }
}
