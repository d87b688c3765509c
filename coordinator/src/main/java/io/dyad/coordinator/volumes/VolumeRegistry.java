package io.dyad.coordinator.volumes;

import io.dyad.common.DyadException;
import io.dyad.coordinator.model.VolumeInfo;
import org.apache.curator.framework.CuratorFramework;

/**
 * The record of which directory pair holds each volume. DDMs write it when they create a volume and remove it when
 * they delete one; everyone reads it through the cluster view. Thread-safe.
 */
public interface VolumeRegistry {

  /** Records a new volume. @throws DyadException ALREADY_EXISTS if it is recorded already, UNAVAILABLE */
  void create(VolumeInfo volume) throws DyadException;

  /** Removes a volume's record; absent is fine. @throws DyadException UNAVAILABLE */
  void delete(String name) throws DyadException;

  /** The registry in {@code /dyad/volumes}; used by {@code ZkSession}. */
  static VolumeRegistry onZooKeeper(CuratorFramework client) {
    return new ZkVolumeRegistry(client);
  }
}
