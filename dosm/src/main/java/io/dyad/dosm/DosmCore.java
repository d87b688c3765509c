package io.dyad.dosm;

import com.google.common.util.concurrent.AbstractIdleService;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.dyad.coordinator.view.ClusterView;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DOSM's moving parts behind its Thrift service: node connections, the search, put sessions (swept for
 * idle ones) and the fan-out threads. Started before the Thrift server, stopped after it.
 */
final class DosmCore extends AbstractIdleService {
  private static final Logger LOG = LoggerFactory.getLogger(DosmCore.class);

  private final DosmConfig config;
  private final ClusterView view;
  private final ExecutorService fanout = Executors.newCachedThreadPool(
      new ThreadFactoryBuilder().setDaemon(true).setNameFormat("dosm-fanout-%d").build());
  private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
      new ThreadFactoryBuilder().setDaemon(true).setNameFormat("dosm-put-sweeper").build());
  private NodePool pool;
  private ObjectSearch search;
  private PutSessions puts;
  private volatile Gateway gateway;

  DosmCore(DosmConfig config, ClusterView view) {
    this.config = config;
    this.view = view;
  }

  @Override
  protected void startUp() throws IOException {
    pool = new NodePool(config.nodes(), config.maxChunkBytes(), 16);
    search = config.searchMode().equals(DosmConfig.MULTICAST)
        ? new MulticastSearch(config.multicast(), replyHost(), config.searchTimeout())
        : new PointToPointSearch(pool, fanout, config.searchTimeout());
    puts = new PutSessions(config.putIdleTimeout(), config.maxOpenPuts());
    long sweep = Math.max(1000, config.putIdleTimeout().toMillis() / 4);
    sweeper.scheduleWithFixedDelay(puts::expireIdle, sweep, sweep, TimeUnit.MILLISECONDS);
    gateway = new Gateway(config.maxChunkBytes(), new Router(view, Duration.ofSeconds(5)), pool, search,
        new LocationCache(100_000, Duration.ofMinutes(10)), puts, fanout);
    LOG.info("[dosm={}] searching by {}", config.instance(), search.mode());
  }

  /** Holders answer multicast searches here: the address the DOSM listens on (reachable by the nodes). */
  private String replyHost() {
    InetSocketAddress a = config.server().bindAddress();
    return a.getAddress() != null && !a.getAddress().isAnyLocalAddress() ? a.getAddress().getHostAddress() : "127.0.0.1";
  }

  @Override
  protected void shutDown() {
    sweeper.shutdownNow();
    puts.abortAll();
    search.close();
    pool.close();
    fanout.shutdownNow();
  }

  /** The gateway; valid once running. */
  Gateway gateway() {
    return gateway;
  }
}
