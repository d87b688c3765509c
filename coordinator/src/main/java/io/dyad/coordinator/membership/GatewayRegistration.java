package io.dyad.coordinator.membership;

import com.google.common.util.concurrent.AbstractIdleService;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.model.GatewayInfo;
import io.dyad.coordinator.zk.ZnodeCodec;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;

/**
 * A gateway's (DOSM's or DDM's) ephemeral znode, {@code /dyad/dosm/<instance>} or {@code /dyad/ddm/<instance>},
 * through which clients find live gateways. Curator's {@code PersistentNode} keeps it present across session
 * loss.
 */
public final class GatewayRegistration extends AbstractIdleService {
  private final CuratorFramework client;
  private final String path;
  private final GatewayInfo info;
  private final Duration timeout;
  private PersistentNode node;

  public GatewayRegistration(CuratorFramework client, String path, GatewayInfo info, Duration timeout) {
    this.client = client;
    this.path = path;
    this.info = info;
    this.timeout = timeout;
  }

  @Override
  protected void startUp() throws Exception {
    node = new PersistentNode(client, CreateMode.EPHEMERAL, false, path, ZnodeCodec.GATEWAY.encode(info));
    node.start();
    if (!node.waitForInitialCreate(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      node.close();
      throw new DyadException(ErrorCode.UNAVAILABLE, "could not register " + path + " in ZooKeeper within "
          + timeout.toSeconds() + " s");
    }
  }

  @Override
  protected void shutDown() throws Exception {
    node.close();
  }

  @Override
  protected String serviceName() {
    return "GatewayRegistration[" + path + "]";
  }
}
