package io.dyad.common;

/** A write session opened on a storage member: its id and the largest chunk the member accepts. */
public record WriteSessionInfo(String sessionId, int maxChunkBytes) {}
