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
 * Takes a gateway's calls off a member the moment the coordinator declares it failed over: the calls in flight to
 * it are abandoned (they fail at once, and the caller, routing by the new view, turns to the partner that now
 * serves) instead of each waiting out its timeout on a member that may be paused or cut off. Later calls are the
 * callers' to choose (a failed-over member still answers lookups of its own copy). Follows the view on ZooKeeper's
 * event thread; cutting a connection never blocks.
 */
public final class FailoverCutoff extends AbstractIdleService {
  private static final Logger LOG = LoggerFactory.getLogger(FailoverCutoff.class);

  private final String gateway;
  private final ClusterView view;
  private final ConnectionPool<?> pool;
  private final MemberKind kind;
  /** members failed over now, and the address each was cut at; guarded by this */
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
        pool.abandon(e.getValue(), e.getKey() + " was failed over at epoch " + f.epoch() + "; " + f.servedBy()
            + " serves in its place");
        LOG.info("[{}] {} was failed over at epoch {}: the calls in flight to it are abandoned", gateway, e.getKey(),
            f.epoch());
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
