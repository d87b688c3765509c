package io.dyad.rpc;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.AbstractIdleService;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.thrift.TProcessor;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.server.TThreadPoolServer;
import org.apache.thrift.transport.TServerSocket;
import org.apache.thrift.transport.TTransportException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Thrift server as a Guava {@code Service}: framed binary protocol, one thread per connection up to a
 * bound, bounded request frames (oversize ones get a typed reply, see {@link OversizeFrameGuard}), idle
 * connections closed after a timeout. Starting binds the socket (so a busy port fails the start with a clear
 * message); stopping closes the listening socket and every open connection, then waits for the workers.
 *
 * <p>Contract for handlers: a {@code binary} argument aliases the connection's frame buffer and is valid only
 * until the call returns (copy it to keep it); a {@code binary} result may come from {@link ReplyBuffers}.
 */
public final class ThriftServerService extends AbstractIdleService {
  private static final Logger LOG = LoggerFactory.getLogger(ThriftServerService.class);
  private static final long STOP_WAIT_SECONDS = 10;
  /** Replies are bounded by what handlers return (a read returns at most one chunk); this is a backstop. */
  private static final int REPLY_FRAME_LIMIT = Integer.MAX_VALUE;

  private final String name;
  private final TProcessor processor;
  private final ThriftServerConfig config;
  private final CountDownLatch serving = new CountDownLatch(1);
  private final ConnectionTracker connections = new ConnectionTracker(serving::countDown);

  private volatile TServerSocket socket;
  private volatile TThreadPoolServer server;
  private volatile ThreadPoolExecutor workers;
  private volatile Thread acceptor;

  /**
   * @param name short name for threads and log lines, e.g. "storage-node a1"
   * @param processor the generated processor wrapping the service's handler
   */
  public ThriftServerService(String name, TProcessor processor, ThriftServerConfig config) {
    this.name = requireNonNull(name, "name");
    this.processor = requireNonNull(processor, "processor");
    this.config = requireNonNull(config, "config");
  }

  @Override
  protected void startUp() throws Exception {
    socket = bind();
    workers = new ThreadPoolExecutor(config.minThreads(), config.maxThreads(), 60, TimeUnit.SECONDS,
        new SynchronousQueue<>(),
        new ThreadFactoryBuilder().setDaemon(true).setNameFormat("thrift-" + name + "-%d").build());
    TThreadPoolServer.Args args = new TThreadPoolServer.Args(socket)
        .processor(new OversizeFrameGuard(processor))
        .inputTransportFactory(LimitedFramedTransport.factory(config))
        .outputTransportFactory(DyadFramedTransport.factory(REPLY_FRAME_LIMIT))
        .protocolFactory(new TBinaryProtocol.Factory(true, true))
        .executorService(workers)
        .stopTimeoutVal((int) STOP_WAIT_SECONDS)
        .stopTimeoutUnit(TimeUnit.SECONDS);
    server = new TThreadPoolServer(args);
    server.setServerEventHandler(connections);
    acceptor = new Thread(server::serve, "thrift-" + name + "-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
    if (!serving.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + ": Thrift server did not start serving");
    }
    LOG.info("[{}] serving Thrift on {} (frames up to {} bytes, up to {} connections)",
        name, describe(boundAddress()), config.maxFrameBytes(), config.maxThreads());
  }

  private TServerSocket bind() throws DyadException {
    InetSocketAddress address = config.bindAddress();
    try {
      return new TServerSocket(new TServerSocket.ServerSocketTransportArgs()
          .bindAddr(address)
          .backlog(128)
          .clientTimeout((int) config.idleTimeout().toMillis()));
    } catch (TTransportException e) {
      String where = address.getHostString() + ":" + address.getPort();
      if (e.getCause() instanceof BindException) {
        throw new DyadException(ErrorCode.UNAVAILABLE,
            "cannot listen on " + where + ": " + e.getCause().getMessage().toLowerCase(), e);
      }
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot listen on " + where + ": " + e.getMessage(), e);
    }
  }

  @Override
  protected void shutDown() throws Exception {
    server.stop();
    socket.close();
    connections.closeAll();
    workers.shutdown();
    acceptor.join(TimeUnit.SECONDS.toMillis(STOP_WAIT_SECONDS));
    if (!workers.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
      LOG.warn("[{}] {} connection(s) still busy after {} s; abandoning them",
          name, connections.openConnections(), STOP_WAIT_SECONDS);
      workers.shutdownNow();
    }
    LOG.info("[{}] Thrift server on {} stopped", name, describe(config.bindAddress()));
  }

  /** The address the server listens on (with the real port when configured with port 0). Valid once running. */
  public InetSocketAddress boundAddress() {
    TServerSocket s = socket;
    if (s == null) {
      throw new IllegalStateException(name + ": not started");
    }
    return (InetSocketAddress) s.getServerSocket().getLocalSocketAddress();
  }

  private static String describe(InetSocketAddress a) {
    return (a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString()) + ":" + a.getPort();
  }

  /** Connections open right now. */
  public int openConnections() {
    return connections.openConnections();
  }

  @Override
  protected String serviceName() {
    return "ThriftServer[" + name + "]";
  }
}
