package io.dyad.coordinator.membership;

import io.dyad.common.DyadException;
import io.dyad.coordinator.model.ResyncInfo;
import io.dyad.coordinator.zk.ZkErrors;
import io.dyad.coordinator.zk.ZkPaths;
import io.dyad.coordinator.zk.ZnodeCodec;
import org.apache.curator.framework.CuratorFramework;

/**
 * How a returning member tells the cluster about its resync: progress while it copies, then CAUGHT_UP,
 * which the coordinator leader answers with failback. Written to {@code /dyad/resync/<member>}.
 */
public final class ResyncReporter {
  private final CuratorFramework client;

  public ResyncReporter(CuratorFramework client) {
    this.client = client;
  }

  public void report(ResyncInfo progress) throws DyadException {
    try {
      client.create().orSetData().forPath(ZkPaths.resync(progress.member()), ZnodeCodec.RESYNC.encode(progress));
    } catch (Exception e) {
      throw ZkErrors.unavailable("reporting the resync progress of " + progress.member(), e);
    }
  }
}
