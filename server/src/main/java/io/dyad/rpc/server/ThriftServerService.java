package io.dyad.rpc.server;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.AbstractIdleService;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.server.LogLimiter;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.thrift.TProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Thrift server (framed, strict binary) as a Guava {@code Service}, built to stay up under careless and hostile
 * clients:
 *
 * <ul>
 *   <li>non-blocking I/O: connections need no thread, so idle or slow ones cost a socket and a few bytes, and
 *       thousands can be open ({@link ThriftServerConfig#maxConnections()}, and a limit per peer address); the last
 *       slots are kept for addresses with few connections, and at the cap a newcomer takes the slot of the
 *       longest-idle connection of the address with the most ({@link Admission}); under pressure idle connections
 *       go sooner ({@link ThriftServerConfig#idleTimeoutUnderPressure()});
 *   <li>request frames are buffered as their bytes arrive, never as announced, against a memory budget for the
 *       whole server, shared fairly between addresses ({@link MemoryBudget}); at the budget, connections are simply
 *       not read until others finish (push back), and one that holds part of a frame without sending more while
 *       others wait is closed ({@link ThriftServerConfig#stallTimeout()});
 *   <li>a frame that does not complete within the frame timeout, a reply the client does not read, and an idle
 *       connection are closed; an oversize frame is drained and answered with PROTOCOL_ERROR; a peer speaking
 *       another protocol is closed with a log line naming what it seems to speak;
 *   <li>requests run on a fixed set of workers, served round robin by peer address so that one flooding peer
 *       cannot starve the others (a partner's resync, a DOSM).
 * </ul>
 *
 * <p>Starting binds the socket (a busy port fails the start with a clear message); stopping closes the listening
 * socket and every connection, then waits for the workers.
 *
 * <p>Contract for handlers: a {@code binary} argument aliases the request frame and is valid only until the call
 * returns (copy it to keep it); a {@code binary} result may come from {@link ReplyBuffers}; the connection is
 * available as {@link CallContext#current()}.
 */
public final class ThriftServerService extends AbstractIdleService implements ServerCore {
  private static final Logger LOG = LoggerFactory.getLogger(ThriftServerService.class);
  private static final long STOP_WAIT_SECONDS = 10;
  private static final int SELECTOR_THREADS = 2;
  private static final long EVICT_WAIT_MILLIS = 1000;

  private final String name;
  private final ThriftServerConfig config;
  private final RequestRunner runner;
  private final FairQueue queue = new FairQueue();
  private final List<SelectorLoop> loops = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private final Admission admission;
  private final ServerCounters counters = new ServerCounters();
  private final AtomicLong nextId = new AtomicLong();
  private final MemoryBudget budget;
  private final Ticker ticker;
  private volatile boolean underPressure;
  private volatile ServerSocketChannel listener;
  private Thread acceptor;

  /**
   * @param name short name for threads and log lines, e.g. "node-a1"
   * @param processor the generated processor wrapping the service's handler
   */
  public ThriftServerService(String name, TProcessor processor, ThriftServerConfig config) {
    this(name, processor, config, Ticker.systemTicker());
  }

  /**
   * As above, with the time that the connections' timeouts (idle, frame, stall, write, handshake) are measured by: a
   * test's ticker lets them pass without waiting (they are checked every 250 ms of real time).
   */
  public ThriftServerService(String name, TProcessor processor, ThriftServerConfig config, Ticker ticker) {
    this.ticker = requireNonNull(ticker, "ticker");
    this.name = requireNonNull(name, "name");
    this.config = requireNonNull(config, "config");
    this.runner = new RequestRunner(name, requireNonNull(processor, "processor"), config.maxFrameBytes());
    this.admission = new Admission(config);
    this.budget = new MemoryBudget(config.requestBudgetBytes(), config.maxFrameBytes(),
        () -> loops.forEach(SelectorLoop::wakeForBudget));
  }

  @Override
  protected void startUp() throws Exception {
    listener = bind();
    for (int i = 0; i < SELECTOR_THREADS; i++) {
      SelectorLoop loop = new SelectorLoop(this);
      loops.add(loop);
      threads.add(thread(loop, "thrift-" + name + "-io-" + i));
    }
    for (int i = 0; i < config.workers(); i++) {
      threads.add(thread(this::work, "thrift-" + name + "-" + i));
    }
    acceptor = thread(this::accept, "thrift-" + name + "-acceptor");
    threads.add(acceptor);
    threads.forEach(Thread::start);
    LOG.info("[{}] serving Thrift on {} (frames up to {} bytes, up to {} connections, {} workers)", name,
        describe(boundAddress()), config.maxFrameBytes(), config.maxConnections(), config.workers());
  }

  private static Thread thread(Runnable r, String threadName) {
    Thread t = new Thread(r, threadName);
    t.setDaemon(true);
    return t;
  }

  private ServerSocketChannel bind() throws DyadException {
    InetSocketAddress address = config.bindAddress();
    ServerSocketChannel ch = null;
    try {
      ch = ServerSocketChannel.open();
      ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      ch.bind(address, 1024);
      return ch;
    } catch (IOException e) {
      closeQuietly(ch);
      String where = address.getHostString() + ":" + address.getPort();
      String why = e instanceof BindException && e.getMessage() != null ? e.getMessage().toLowerCase() : e.toString();
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot listen on " + where + ": " + why, e);
    }
  }

  private void accept() {
    int next = 0;
    while (true) {
      SocketChannel ch;
      try {
        ch = listener.accept();
      } catch (ClosedChannelException stopping) {
        return;
      } catch (IOException e) {
        // out of file descriptors, say: tell the operator, back off, keep serving the connections we have
        LogLimiter.warn(LOG, "accept:" + name, "[{}] accepting a connection failed: {}", name, e.toString());
        sleepQuietly(100);
        continue;
      }
      String peer = peerOf(ch);
      if (!admit(ch, peer)) {
        continue;
      }
      try {
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      } catch (IOException e) {
        closeQuietly(ch);
        continue;
      }
      SelectorLoop loop = loops.get(next++ % loops.size());
      Connection c = new Connection(this, loop, ch, nextId.incrementAndGet());
      open.add(c);
      admission.add(c);
      loop.adopt(c);
    }
  }

  /** Lets a new connection in (after closing an idle one to make room, if need be), or closes it. */
  private boolean admit(SocketChannel ch, String peer) {
    Admission.Decision d = admission.decide(peer, open.size());
    if (d.verdict() == Admission.Verdict.EVICT) {
      if (evicted(d.victim())) {
        counters.evictedConnections.incrementAndGet();
        LogLimiter.warn(LOG, "evict:" + name, "[{}] {} connections open: closed the longest-idle connection from {} "
            + "(it has {}) to let one from {} in", name, open.size() + 1, d.victim().peerHost(),
            admission.count(d.victim().peerHost()) + 1, peer);
        return true;
      }
      d = new Admission.Decision(Admission.Verdict.REFUSE, null, open.size() + " connections are open and the idle one"
          + " chosen to make room became busy");
    }
    if (d.verdict() == Admission.Verdict.ADMIT) {
      return true;
    }
    counters.refusedConnections.incrementAndGet();
    LogLimiter.warn(LOG, "limit:" + name + peer, "[{}] refused a connection from {}: {}", name, peer, d.why());
    closeQuietly(ch);
    return false;
  }

  /** Closes {@code victim} on its loop if it is still idle there; waits briefly for the answer. */
  private static boolean evicted(Connection victim) {
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    victim.loop().execute(() -> done.complete(victim.closeIfIdle()));
    try {
      return done.get(EVICT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }

  private void work() {
    while (true) {
      Runnable task;
      try {
        task = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (task == null) {
        return;
      }
      task.run();
    }
  }

  @Override
  protected void shutDown() throws Exception {
    closeQuietly(listener);
    // the acceptor hands a connection it has just accepted to a loop before it ends; a loop that stopped first would
    // never adopt it, and it would stay open, unanswered, until its client gave up
    acceptor.join(TimeUnit.SECONDS.toMillis(STOP_WAIT_SECONDS));
    loops.forEach(SelectorLoop::stop);
    queue.close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_WAIT_SECONDS);
    for (Thread t : threads) {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }
    long busy = threads.stream().filter(Thread::isAlive).count();
    if (busy > 0) {
      LOG.warn("[{}] {} thread(s) still busy after {} s; interrupting them", name, busy, STOP_WAIT_SECONDS);
      threads.forEach(Thread::interrupt);
    }
    LOG.info("[{}] Thrift server on {} stopped", name, describe(config.bindAddress()));
  }

  /** The address the server listens on (with the real port when configured with port 0). Valid once running. */
  public InetSocketAddress boundAddress() {
    ServerSocketChannel ch = listener;
    if (ch == null) {
      throw new IllegalStateException(name + ": not started");
    }
    try {
      return (InetSocketAddress) ch.getLocalAddress();
    } catch (IOException e) {
      throw new IllegalStateException(name + ": the listening socket is closed", e);
    }
  }

  /** Connections open right now. */
  public int openConnections() {
    return open.size();
  }

  /** Requests waiting for a worker right now. */
  public int queuedRequests() {
    return queue.size();
  }

  /** Bytes of request frames buffered right now. */
  public long bufferedRequestBytes() {
    return budget.used();
  }

  /** What the server refused or cut to stay fair, since it started. */
  @Override
  public ServerCounters counters() {
    return counters;
  }

  /**
   * The idle timeout now: the shorter one from three quarters of the connection cap until fewer than half of it are
   * open again (so that it does not flap at one number).
   */
  @Override
  public long idleTimeoutNanos() {
    int n = open.size();
    int max = config.maxConnections();
    if (!underPressure && 4L * n >= 3L * max) {
      underPressure = true;
      LogLimiter.warn(LOG, "pressure:" + name, "[{}] {} of {} connections open: idle connections now close after {}"
          + " s until fewer than half are", name, n, max, config.idleTimeoutUnderPressure().toSeconds());
    } else if (underPressure && 2L * n < max) {
      underPressure = false;
    }
    return (underPressure ? config.idleTimeoutUnderPressure() : config.idleTimeout()).toNanos();
  }

  // ---- ServerCore ----

  @Override
  public String name() {
    return name;
  }

  @Override
  public ThriftServerConfig config() {
    return config;
  }

  @Override
  public MemoryBudget budget() {
    return budget;
  }

  @Override
  public RequestRunner runner() {
    return runner;
  }

  @Override
  public FairQueue dispatcher() {
    return queue;
  }

  @Override
  public Ticker ticker() {
    return ticker;
  }

  @Override
  public Logger log() {
    return LOG;
  }

  @Override
  public void closed(Connection c) {
    if (open.remove(c)) {
      admission.remove(c);
    }
  }

  @Override
  public void runCloseAction(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.error("[{}] a connection close action failed", name, e);
    }
  }

  private static String peerOf(SocketChannel ch) {
    try {
      return ((InetSocketAddress) ch.getRemoteAddress()).getAddress().getHostAddress();
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String describe(InetSocketAddress a) {
    return (a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString()) + ":" + a.getPort();
  }

  private static void closeQuietly(java.io.Closeable c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  protected String serviceName() {
    return "ThriftServer[" + name + "]";
  }
}
