package io.dyad.common;

/**
 * A storage member's own account of its health, as its {@code health} call reports it.
 *
 * @param status SERVING, RESYNCING, JOINING, FAILED_OVER, FENCED or STANDALONE
 * @param detail why, in a sentence (may be empty)
 */
public record MemberHealth(String memberId, String status, String detail, long startedAtMillis, long usableBytes,
    long totalBytes, long reserveBytes, int openWriteSessions, int maxChunkBytes, String version) {}
