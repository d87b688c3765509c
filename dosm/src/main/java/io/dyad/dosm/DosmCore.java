package io.dyad.dosm;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.AbstractIdleService;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.dyad.coordinator.model.MemberKind;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.coordinator.view.FailoverCutoff;
import io.dyad.rpc.ConnectionPool;
import io.dyad.rpc.StorageNodeClient;
import io.dyad.rpc.ThriftClientConfig;
import io.dyad.search.SearchAuth;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DOSM's moving parts behind its Thrift service: node connections, the search, put sessions (swept for
 * idle ones) and the fan-out threads, all bounded. Started before the Thrift server, stopped after it.
 */
final class DosmCore extends AbstractIdleService {
  private static final Logger LOG = LoggerFactory.getLogger(DosmCore.class);
  /** Threads that write both members of a pair at once, search, and clean up; more work waits in a queue. */
  private static final int FANOUT_THREADS = 64;
  private static final int FANOUT_QUEUE = 4096;
  /** Idle node connections are closed well before the nodes' own idle timeout (5 minutes) would. */
  private static final Duration NODE_CONNECTION_MAX_IDLE = Duration.ofSeconds(30);

  private final DosmConfig config;
  private final ClusterView view;
  private final ThreadPoolExecutor fanout = new ThreadPoolExecutor(FANOUT_THREADS, FANOUT_THREADS, 30,
      TimeUnit.SECONDS, new ArrayBlockingQueue<>(FANOUT_QUEUE),
      new ThreadFactoryBuilder().setDaemon(true).setNameFormat("dosm-fanout-%d").build(),
      new ThreadPoolExecutor.CallerRunsPolicy());
  /**
   * Aborts the puts of closed client connections. Close actions come from the server's I/O thread, which must
   * never wait: when this queue is full an abort is dropped (the nodes expire those sessions anyway).
   */
  private final ThreadPoolExecutor cleanup = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS,
      new ArrayBlockingQueue<>(FANOUT_QUEUE), new ThreadFactoryBuilder().setDaemon(true)
      .setNameFormat("dosm-cleanup-%d").build(), new ThreadPoolExecutor.DiscardPolicy());
  private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
      new ThreadFactoryBuilder().setDaemon(true).setNameFormat("dosm-sweeper").build());
  private ConnectionPool<StorageNodeClient> pool;
  private NodeLink links;
  private FailoverCutoff cutoff;
  private ObjectSearch search;
  private PutSessions puts;
  /** one time source for a put's idle age (the puts stamp it, the sessions expire by it) and for pending hints */
  private final Ticker ticker = Ticker.systemTicker();
  private final PendingHints pendingHints = new PendingHints(ticker);
  private Router router;
  private volatile Gateway gateway;

  DosmCore(DosmConfig config, ClusterView view) {
    this.config = config;
    this.view = view;
    fanout.allowCoreThreadTimeOut(true);
    cleanup.allowCoreThreadTimeOut(true);
  }

  @Override
  protected void startUp() throws IOException {
    // the DOSM is a Dyad daemon to the nodes: its connections authenticate with the cluster secret
    ThriftClientConfig nodes = config.nodes().withCredential("dosm " + config.instance(), config.secret());
    pool = new ConnectionPool<>(node -> StorageNodeClient.connect(node, nodes, config.maxChunkBytes()),
        config.maxConnectionsPerNode(), config.nodes().requestTimeout(), NODE_CONNECTION_MAX_IDLE);
    cutoff = new FailoverCutoff("dosm " + config.instance(), view, pool, MemberKind.STORAGE);
    cutoff.startAsync().awaitRunning();
    links = new PooledNodeLink(pool);
    search = config.searchMode().equals(DosmConfig.MULTICAST)
        ? new MulticastSearch(config.multicast(), replyHost(),
            new SearchAuth(config.secret(), java.time.Clock.systemUTC()), config.searchTimeout())
        : new PointToPointSearch(links, fanout, config.searchTimeout());
    PutLimits limits = config.puts();
    puts = new PutSessions(limits.idleTimeout(), limits.idleTimeoutUnderPressure(), limits.maxOpen(),
        limits.maxPerConnection(), limits.maxPerAddress(), cleanup, ticker);
    long sweep = Math.max(1000, Math.min(limits.idleTimeoutUnderPressure().toMillis() / 4, 10_000));
    sweeper.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
    router = new Router(view, Duration.ofSeconds(5));
    gateway = new Gateway(config.maxChunkBytes(), new PutContext(links, fanout, router, pendingHints, ticker), search,
        new LocationCache(100_000, Duration.ofMinutes(10)), puts);
    LOG.info("[dosm={}] searching by {}", config.instance(), search.mode());
  }

  /** Expires idle puts and idle node connections; one failure must not stop the next sweep. */
  private void sweep() {
    try {
      puts.expireIdle();
      pool.evictIdle();
      pendingHints.retry(links, router);
    } catch (RuntimeException e) {
      LOG.error("[dosm={}] sweeping idle puts and connections failed; trying again later", config.instance(), e);
    }
  }

  /** Holders answer multicast searches here: the address the DOSM listens on (reachable by the nodes). */
  private String replyHost() {
    InetSocketAddress a = config.server().bindAddress();
    return a.getAddress() != null && !a.getAddress().isAnyLocalAddress() ? a.getAddress().getHostAddress() : "127.0.0.1";
  }

  @Override
  protected void shutDown() {
    cutoff.stopAsync().awaitTerminated();
    sweeper.shutdownNow();
    puts.abortAll();
    search.close();
    cleanup.shutdown();
    fanout.shutdown();
    try {
      fanout.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    fanout.shutdownNow();
    pool.close();
  }

  /** The gateway; valid once running. */
  Gateway gateway() {
    return gateway;
  }

  /** Puts open now. */
  int openPuts() {
    return puts.size();
  }

  /** Puts refused since the start (too many open on this DOSM, or from the client's address). */
  long refusedPuts() {
    return puts.refused();
  }

  ConnectionPool<StorageNodeClient> pool() {
    return pool;
  }
}
