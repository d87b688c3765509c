package io.dyad.client;

/** A volume of the namespace and the directory pair that holds it. @param createdAt ms since the Unix epoch */
public record VolumeEntry(String name, String directoryPair, long createdAt) {}
