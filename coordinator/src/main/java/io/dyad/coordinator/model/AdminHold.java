package io.dyad.coordinator.model;

/**
 * {@code /dyad/admin/failover/<member>}: an operator's request that the member stay failed over (for
 * maintenance or disaster), written by {@code dyad admin failover} and removed by {@code dyad admin failback}.
 * The coordinator leader acts on it; operators never write {@code /dyad/failover} themselves.
 */
public record AdminHold(String member, String reason, long requestedAt, String requestedBy) {}
