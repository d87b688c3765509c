package io.dyad.coordinator.model;

/**
 * {@code /dyad/resync/<member>}: a returning member's progress in catching up with its partner, written by
 * the member itself. The coordinator fails it back when {@code state} is CAUGHT_UP for its current
 * incarnation.
 */
public record ResyncInfo(String member, long incarnation, Phase state, long objectsCopied, long bytesCopied,
    long objectsTotal, double percent, long updatedAt) {

  public enum Phase {
    RUNNING,
    CAUGHT_UP
  }
}
