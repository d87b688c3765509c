package io.dyad.coordinator.model;

/** {@code /dyad/epoch}: the failover epoch, bumped on every failover state change. */
public record EpochInfo(long epoch, long updatedAt, String by, String change) {}
