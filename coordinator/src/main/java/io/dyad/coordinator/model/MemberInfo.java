package io.dyad.coordinator.model;

/**
 * {@code /dyad/members/<id>}: a declared member.
 *
 * @param address HOST:PORT of its Thrift service
 * @param adminAddress HOST:PORT of its admin HTTP endpoint, or null
 */
public record MemberInfo(String id, MemberKind kind, String center, String address, String adminAddress) {}
