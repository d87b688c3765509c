package io.dyad.coordinator.model;

/** Where a failed-over member is in the failover/failback cycle. */
public enum FailoverState {
  /** the member is out; its partner serves everything */
  FAILED_OVER,
  /** the member is back and copying what it missed from its partner; it takes new writes, reads go to the partner */
  RESYNCING
}
