package io.dyad.coordinator.model;

/**
 * {@code /dyad/resync/<member>}: a returning member's progress in catching up with its partner, written by
 * the member itself. The coordinator fails it back when {@code state} is CAUGHT_UP for its current
 * incarnation.
 *
 * @param detail why a resync is STALLED (e.g. its disk is too small), in a sentence; null otherwise
 */
public record ResyncInfo(String member, long incarnation, Phase state, long objectsCopied, long bytesCopied,
    long objectsTotal, double percent, long updatedAt, String detail) {

  public enum Phase {
    RUNNING,
    /** stopped by something that retrying soon will not fix (a full disk); retried slowly */
    STALLED,
    CAUGHT_UP
  }
}
