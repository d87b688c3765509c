package io.dyad.coordinator.volumes;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.model.VolumeInfo;
import io.dyad.coordinator.zk.ZkErrors;
import io.dyad.coordinator.zk.ZkPaths;
import io.dyad.coordinator.zk.ZnodeCodec;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/** {@link VolumeRegistry} in {@code /dyad/volumes/<name>}. */
final class ZkVolumeRegistry implements VolumeRegistry {
  private final CuratorFramework client;

  ZkVolumeRegistry(CuratorFramework client) {
    this.client = client;
  }

  @Override
  public void create(VolumeInfo volume) throws DyadException {
    try {
      client.create().forPath(ZkPaths.volume(volume.name()), ZnodeCodec.VOLUME.encode(volume));
    } catch (KeeperException.NodeExistsException e) {
      throw new DyadException(ErrorCode.ALREADY_EXISTS, "volume " + volume.name() + " is recorded already");
    } catch (KeeperException.NoNodeException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "the cluster is not initialised (no /dyad/volumes)", e);
    } catch (Exception e) {
      throw ZkErrors.unavailable("recording volume " + volume.name(), e);
    }
  }

  @Override
  public void delete(String name) throws DyadException {
    try {
      client.delete().forPath(ZkPaths.volume(name));
    } catch (KeeperException.NoNodeException gone) {
      // deleted already
    } catch (Exception e) {
      throw ZkErrors.unavailable("removing the record of volume " + name, e);
    }
  }
}
