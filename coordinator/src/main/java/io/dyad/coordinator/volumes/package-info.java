/**
 * Which directory pair holds each volume of the namespace ({@code /dyad/volumes}): {@link
 * io.dyad.coordinator.volumes.VolumeRegistry}, whose ZooKeeper implementation is package-private (built through
 * {@link io.dyad.coordinator.ZkSession}).
 */
package io.dyad.coordinator.volumes;
