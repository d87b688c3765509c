package io.dyad.coordinator.model;

/** {@code /dyad/dosm/<instance>} and {@code /dyad/ddm/<instance>} (ephemeral): a live gateway's Thrift address. */
public record GatewayInfo(String instance, String address, long startedAt, String version) {}
