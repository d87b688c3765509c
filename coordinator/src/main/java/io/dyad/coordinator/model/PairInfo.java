package io.dyad.coordinator.model;

/**
 * {@code /dyad/pairs/<pairId>}: two partner members and the explicit mapping of the first address to the
 * second (claims 2 and 12 of the seed).
 */
public record PairInfo(String id, MemberKind kind, String a, String b, String aAddress, String bAddress) {

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
