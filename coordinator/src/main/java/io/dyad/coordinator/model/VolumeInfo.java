package io.dyad.coordinator.model;

/**
 * {@code /dyad/volumes/<name>}: a volume of the namespace and the directory pair that holds it. Written by the DDM
 * that creates the volume, removed by the one that deletes it.
 *
 * @param createdAt ms since the Unix epoch
 */
public record VolumeInfo(String name, String directoryPair, long createdAt) {}
