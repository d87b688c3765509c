package io.dyad.common;

/** Whether a member holds an object: the object itself, a tombstone for it, or nothing. */
public enum Presence {
  ABSENT,
  PRESENT,
  DELETED
}
