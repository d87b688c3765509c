package io.dyad.coordinator.view;

import com.google.common.net.HostAndPort;
import com.google.common.util.concurrent.AbstractIdleService;
import com.google.common.util.concurrent.MoreExecutors;
import io.dyad.coordinator.model.FailoverInfo;
import io.dyad.coordinator.model.FailoverState;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.rpc.ConnectionPool;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a gateway's calls off members the coordinator declared failed over. The moment the view shows a member
 * FAILED_OVER, the calls in flight to it are abandoned (they fail at once, and the caller turns to the partner
 * that now serves) and new ones are refused, instead of each waiting out its timeout on a member that may be
 * paused or cut off. Calls go through again once the member resyncs. Follows the view on ZooKeeper's event thread;
 * cutting a connection never blocks.
 */
public final class FailoverCutoff extends AbstractIdleService {
  private static final Logger LOG = LoggerFactory.getLogger(FailoverCutoff.class);

  private final String gateway;
  private final ClusterView view;
  private final ConnectionPool<?> pool;
  private final MemberKind kind;
  /** members cut off now, and the address each was cut at; guarded by this */
  private final Map<String, HostAndPort> cut = new HashMap<>();
  private ClusterView.Subscription subscription;

  /**
   * @param gateway names this gateway in the log
   * @param pool the gateway's connections to members of {@code kind}
   */
  public FailoverCutoff(String gateway, ClusterView view, ConnectionPool<?> pool, MemberKind kind) {
    this.gateway = gateway;
    this.view = view;
    this.pool = pool;
    this.kind = kind;
  }

  @Override
  protected void startUp() {
    subscription = view.addListener(this::follow, MoreExecutors.directExecutor());
  }

  @Override
  protected void shutDown() {
    subscription.close();
  }

  private synchronized void follow(ClusterSnapshot s) {
    Map<String, HostAndPort> now = new HashMap<>();
    for (MemberInfo m : s.members().values()) {
      FailoverInfo f = s.failovers().get(m.id());
      if (m.kind() == kind && f != null && f.state() == FailoverState.FAILED_OVER) {
        now.put(m.id(), HostAndPort.fromString(m.address()));
      }
    }
    for (Map.Entry<String, HostAndPort> e : now.entrySet()) {
      if (!e.getValue().equals(cut.get(e.getKey()))) {
        FailoverInfo f = s.failovers().get(e.getKey());
        pool.suspend(e.getValue(), e.getKey() + " was failed over at epoch " + f.epoch() + "; " + f.servedBy()
            + " serves in its place");
        LOG.info("[{}] {} was failed over at epoch {}: calls in flight to it abandoned, none sent until it resyncs",
            gateway, e.getKey(), f.epoch());
      }
    }
    for (Map.Entry<String, HostAndPort> e : cut.entrySet()) {
      if (!e.getValue().equals(now.get(e.getKey()))) {
        pool.resume(e.getValue());
      }
    }
    cut.clear();
    cut.putAll(now);
  }

  @Override
  protected String serviceName() {
    return "FailoverCutoff[" + gateway + "]";
  }
}
