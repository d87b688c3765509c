package io.dyad.rpc.server;

import io.dyad.server.LogLimiter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One client connection of a {@link ThriftServerService}: reads one request frame at a time without blocking,
 * buffering only the bytes that have arrived (the buffer grows as they come, against the server's
 * {@link MemoryBudget}), hands the complete frame to a worker, writes the reply without blocking, and only then
 * reads the next frame. Everything but {@link #onClose} and the worker's part runs on the connection's
 * {@link SelectorLoop} thread.
 */
final class Connection implements CallContext {
  private enum State {
    /** the TLS handshake, before the first request */
    HANDSHAKE,
    /** between requests, or inside the 4-byte size of the next frame */
    SIZE,
    BODY,
    /** an oversize frame: its head is kept, the rest discarded as it arrives */
    DRAIN,
    PROCESSING,
    WRITING,
    CLOSED
  }

  private static final int FIRST_BUFFER_BYTES = 8 * 1024;
  private static final int HEAD_BYTES = 4 * 1024;

  private final ServerCore server;
  private final SelectorLoop loop;
  private final SocketChannel channel;
  private final Wire wire;
  private final long id;
  private final String peerHost;
  private final String peer;
  private final InetSocketAddress local;
  private final List<Runnable> closeActions = new ArrayList<>();
  private SelectionKey key;

  private State state;
  private final ByteBuffer sizeBuffer = ByteBuffer.allocate(4);
  private byte[] frame;
  private int filled;
  private int expected;
  private long budgetHeld;
  private long drainLeft;
  private long oversizeBytes;
  private boolean paused;

  /** since when the connection has been between requests (read by the acceptor to pick whom to evict) */
  private volatile long idleSinceNanos;
  /** true between requests: nothing read of the next frame, nothing to write */
  private volatile boolean idle = true;
  /** whether bytes of a frame have arrived (when: frameStartNanos; any value of a ticker, 0 included, is a time) */
  private boolean inFrame;
  private long frameStartNanos;
  /** when the last bytes of the current frame arrived (or reading resumed after a wait for memory) */
  private long progressNanos;
  private long pausedSinceNanos;
  private long pausedTotalNanos;
  private long writeProgressNanos;
  private ByteBuffer[] reply;
  private List<ReplyBuffers.Lease> replyLeases = List.of();
  private String closeAfterReply;
  private volatile boolean closed;
  private volatile String daemon;

  Connection(ServerCore server, SelectorLoop loop, SocketChannel channel, long id) {
    this.server = server;
    this.loop = loop;
    this.channel = channel;
    this.wire = server.config().tls().<Wire>map(t -> new TlsWire(channel, t.serverEngine()))
        .orElseGet(() -> new PlainWire(channel));
    this.state = server.config().tls().isPresent() ? State.HANDSHAKE : State.SIZE;
    this.id = id;
    InetSocketAddress remote = remoteOf(channel);
    this.peerHost = remote == null ? "unknown" : remote.getAddress().getHostAddress();
    this.peer = remote == null ? "an unknown peer" : peerHost + ":" + remote.getPort();
    this.local = localOf(channel);
    this.idleSinceNanos = server.ticker().read();
  }

  private static InetSocketAddress remoteOf(SocketChannel channel) {
    try {
      return (InetSocketAddress) channel.getRemoteAddress();
    } catch (IOException e) {
      return null;
    }
  }

  private static InetSocketAddress localOf(SocketChannel channel) {
    try {
      return (InetSocketAddress) channel.getLocalAddress();
    } catch (IOException e) {
      return null;
    }
  }

  // ---- CallContext ----

  @Override
  public long connectionId() {
    return id;
  }

  @Override
  public String peerHost() {
    return peerHost;
  }

  @Override
  public String peer() {
    return peer;
  }

  @Override
  public InetSocketAddress localAddress() {
    return local;
  }

  @Override
  public Optional<java.security.cert.Certificate> localCertificate() {
    return wire.localCertificate();
  }

  @Override
  public Optional<String> daemon() {
    return Optional.ofNullable(daemon);
  }

  @Override
  public void authenticatedAs(String name) {
    daemon = name;
  }

  @Override
  public void onClose(Runnable action) {
    synchronized (closeActions) {
      if (!closed) {
        closeActions.add(action);
        return;
      }
    }
    server.runCloseAction(action);
  }

  // ---- selector loop ----

  void register() throws IOException {
    key = channel.register(loop.selector(), SelectionKey.OP_READ, this);
  }

  /** Reads what has arrived; dispatches a complete frame. */
  void onReadable() throws IOException {
    if (state == State.HANDSHAKE && !handshake()) {
      return;
    }
    while (state == State.SIZE || state == State.BODY || state == State.DRAIN) {
      boolean progressed = switch (state) {
        case SIZE -> readSize();
        case BODY -> readBody();
        default -> readDrain();
      };
      if (!progressed) {
        return;
      }
    }
  }

  private boolean readSize() throws IOException {
    int n = wire.read(sizeBuffer);
    if (n < 0) {
      close(null);
      return false;
    }
    if (n == 0) {
      return false;
    }
    if (!inFrame) {
      inFrame = true;
      frameStartNanos = server.ticker().read();
      progressNanos = frameStartNanos;
      pausedTotalNanos = 0;
      idle = false;
    }
    if (sizeBuffer.hasRemaining()) {
      return false;
    }
    long size = Integer.toUnsignedLong(sizeBuffer.getInt(0));
    sizeBuffer.clear();
    if (size > server.config().drainLimitBytes() || size == 0) {
      byte[] first = new byte[4];
      sizeBuffer.get(0, first);
      close("not Dyad's wire format (framed, strict binary Thrift): it looks like "
          + ProtocolSniffer.describe(first, 4));
      return false;
    }
    if (size > server.config().maxFrameBytes()) {
      oversizeBytes = size;
      drainLeft = size;
      frame = new byte[(int) Math.min(size, HEAD_BYTES)];
      filled = 0;
      state = State.DRAIN;
      return true;
    }
    expected = (int) size;
    filled = 0;
    state = State.BODY;
    return true;
  }

  private boolean readBody() throws IOException {
    if (frame == null) {
      return readFirstBodyBytes();
    }
    if (filled == frame.length) {
      int capacity = (int) Math.min(expected, 4L * frame.length);
      if (!server.budget().tryTake(this, peerHost, capacity - frame.length)) {
        pause();
        return false;
      }
      budgetHeld += capacity - frame.length;
      frame = Arrays.copyOf(frame, capacity);
    }
    int n = wire.read(ByteBuffer.wrap(frame, filled, frame.length - filled));
    if (n < 0) {
      close(null);
      return false;
    }
    filled += n;
    if (n > 0) {
      progressNanos = server.ticker().read();
    }
    frameArrived();
    return n > 0;
  }

  /**
   * Reads the first bytes of a frame's body into the loop's scratch buffer, and allocates the frame only once some
   * have arrived: a connection that announced a frame and sent nothing more holds no memory. The budget is taken
   * before reading, so that a server at its budget reads nothing more.
   */
  private boolean readFirstBodyBytes() throws IOException {
    int capacity = Math.min(expected, FIRST_BUFFER_BYTES);
    if (!server.budget().tryTake(this, peerHost, capacity)) {
      pause();
      return false;
    }
    ByteBuffer scratch = loop.scratch();
    scratch.clear().limit(capacity);
    int n = wire.read(scratch);
    if (n <= 0) {
      server.budget().giveBack(this, peerHost, capacity);
      if (n < 0) {
        close(null);
      }
      return false;
    }
    budgetHeld = capacity;
    progressNanos = server.ticker().read();
    frame = new byte[capacity];
    System.arraycopy(scratch.array(), 0, frame, 0, n);
    filled = n;
    frameArrived();
    return true;
  }

  /** Hands the frame to a worker once it is complete (the read loop then stops: the connection is processing). */
  private void frameArrived() {
    if (filled == expected) {
      dispatch(() -> server.runner().run(this, frame, filled));
    }
  }

  private boolean readDrain() throws IOException {
    int n;
    if (filled < frame.length) {
      n = wire.read(ByteBuffer.wrap(frame, filled, frame.length - filled));
      if (n > 0) {
        filled += n;
      }
    } else {
      ByteBuffer scratch = loop.scratch();
      scratch.clear().limit((int) Math.min(scratch.capacity(), drainLeft));
      n = wire.read(scratch);
    }
    if (n < 0) {
      close(null);
      return false;
    }
    drainLeft -= Math.max(0, n);
    if (drainLeft == 0) {
      long size = oversizeBytes;
      LogLimiter.warn(server.log(), "oversize:" + peerHost, "[{}] refused a request frame of {} bytes from {}: the "
          + "limit is {} bytes", server.name(), size, peer, server.config().maxFrameBytes());
      dispatch(() -> server.runner().refuseOversize(frame, filled, size));
      return false;
    }
    return n > 0;
  }

  private void dispatch(java.util.function.Supplier<RequestRunner.Reply> work) {
    state = State.PROCESSING;
    key.interestOps(0);
    server.dispatcher().add(peerHost, () -> {
      RequestRunner.Reply r;
      try {
        r = work.get();
      } catch (RuntimeException | Error e) {
        server.log().error("[{}] a request from {} failed unexpectedly", server.name(), peer, e);
        r = RequestRunner.Reply.close("the server failed to handle a request");
      }
      RequestRunner.Reply done = r;
      loop.execute(() -> startReply(done));
    });
  }

  private void pause() {
    paused = true;
    pausedSinceNanos = server.ticker().read();
    key.interestOps(0);
    loop.paused(this);
    server.counters().memoryWaits.incrementAndGet();
    LogLimiter.warn(server.log(), "memory-full:" + server.name(), "[{}] request memory is full: {}; connections wait "
        + "their turn, and those that stall while others wait are closed", server.name(), server.budget().summary());
  }

  /** Called on the loop when budget was given back: reads again (and may pause again). */
  void resume() throws IOException {
    if (!paused || state == State.CLOSED) {
      return;
    }
    paused = false;
    pausedTotalNanos += server.ticker().read() - pausedSinceNanos;
    progressNanos = server.ticker().read(); // waiting for memory is not stalling
    key.interestOps(SelectionKey.OP_READ);
    onReadable();
  }

  private void startReply(RequestRunner.Reply r) {
    if (state == State.CLOSED) {
      ReplyBuffers.release(r.leases());
      releaseFrame();
      return;
    }
    if (r.frame() == null) {
      ReplyBuffers.release(r.leases());
      close(r.closeReason());
      return;
    }
    reply = r.frame();
    replyLeases = r.leases();
    closeAfterReply = r.closeAfter() ? r.closeReason() : null;
    state = State.WRITING;
    writeProgressNanos = server.ticker().read();
    try {
      onWritable();
    } catch (IOException e) {
      close(null);
    }
  }

  /**
   * Goes on with the TLS handshake; true once it is done (the connection then reads requests). A failed handshake
   * closes the connection with a line that says why.
   */
  private boolean handshake() throws IOException {
    boolean done;
    try {
      done = wire.handshake();
    } catch (IOException e) {
      close("TLS handshake failed: " + io.dyad.rpc.tls.TlsErrors.describe(e, "the client"));
      return false;
    }
    if (!done) {
      key.interestOps(wire.handshakeInterest());
      return false;
    }
    state = State.SIZE;
    key.interestOps(SelectionKey.OP_READ);
    return true;
  }

  void onWritable() throws IOException {
    if (state == State.HANDSHAKE) {
      onReadable();
      return;
    }
    if (state != State.WRITING) {
      return;
    }
    long n = wire.write(reply);
    if (n > 0) {
      writeProgressNanos = server.ticker().read();
    }
    if (reply[reply.length - 1].hasRemaining() || !wire.flushed()) {
      key.interestOps(SelectionKey.OP_WRITE);
      return;
    }
    ReplyBuffers.release(replyLeases);
    replyLeases = List.of();
    reply = null;
    releaseFrame();
    if (closeAfterReply != null) {
      close(closeAfterReply);
      return;
    }
    state = State.SIZE;
    inFrame = false;
    idleSinceNanos = server.ticker().read();
    idle = true;
    key.interestOps(SelectionKey.OP_READ);
    onReadable(); // the client may have sent its next request already
  }

  private void releaseFrame() {
    frame = null;
    filled = 0;
    server.budget().giveBack(this, peerHost, budgetHeld);
    budgetHeld = 0;
  }

  /** Closes a connection that has been idle, stuck in a frame, or not reading its reply for too long. */
  void checkTimeouts(long now) {
    ThriftServerConfig c = server.config();
    switch (state) {
      case HANDSHAKE:
        if (now - idleSinceNanos > c.frameTimeout().toNanos()) {
          close("it did not complete the TLS handshake within " + c.frameTimeout().toSeconds() + " s");
        }
        break;
      case SIZE:
        if (!inFrame) {
          if (now - idleSinceNanos > server.idleTimeoutNanos()) {
            close(null); // idle: quietly
          }
          break;
        }
        checkFrameTimeout(now, c);
        break;
      case BODY:
        checkFrameTimeout(now, c);
        checkStalled(now, c);
        break;
      case DRAIN:
        checkFrameTimeout(now, c);
        break;
      case WRITING:
        if (now - writeProgressNanos > c.writeTimeout().toNanos()) {
          close("it did not read its reply for " + c.writeTimeout().toSeconds() + " s");
        }
        break;
      default:
        break;
    }
  }

  /**
   * Closes a connection that holds part of a frame and has sent nothing for the stall timeout while others wait for
   * request memory: it would otherwise keep that memory from them until the frame timeout.
   */
  private void checkStalled(long now, ThriftServerConfig c) {
    if (state == State.BODY && !paused && budgetHeld > 0 && now - progressNanos > c.stallTimeout().toNanos()
        && server.budget().othersWaiting(this)) {
      server.counters().stalledFrames.incrementAndGet();
      close("it sent nothing more of a request frame for " + c.stallTimeout().toSeconds() + " s while other "
          + "connections waited for request memory (" + filled + " of " + expected + " bytes)");
    }
  }

  /**
   * Closes the connection if it is idle between requests (the server makes room for a new client); false if it is
   * busy now. Runs on the connection's loop.
   */
  boolean closeIfIdle() {
    boolean between = state == State.HANDSHAKE || (state == State.SIZE && !inFrame);
    if (!between) {
      return false;
    }
    close(null);
    return true;
  }

  /** Idle between requests now (a racy glimpse from another thread; {@link #closeIfIdle} decides). */
  boolean looksIdle() {
    return idle && !closed;
  }

  long idleSinceNanos() {
    return idleSinceNanos;
  }

  SelectorLoop loop() {
    return loop;
  }

  private void checkFrameTimeout(long now, ThriftServerConfig c) {
    long waitedOnUs = pausedTotalNanos + (paused ? now - pausedSinceNanos : 0);
    if (now - frameStartNanos - waitedOnUs > c.frameTimeout().toNanos()) {
      close("a request frame did not arrive completely within " + c.frameTimeout().toSeconds() + " s ("
          + filled + " of " + (state == State.DRAIN ? oversizeBytes : expected) + " bytes)");
    }
  }

  /**
   * Closes the connection and runs its close actions. {@code reason} null: an ordinary close (the peer hung up, an
   * idle timeout, the server stopping), logged at DEBUG; otherwise a WARN line for the operator.
   */
  void close(String reason) {
    if (state == State.CLOSED) {
      return;
    }
    boolean processing = state == State.PROCESSING;
    state = State.CLOSED;
    if (reason != null) {
      // one line a minute per peer and kind of problem (the reason without its numbers): a flood of one kind
      // cannot hide another
      String kind = reason.replaceAll("[0-9]+", "#");
      LogLimiter.warn(server.log(), "close:" + peerHost + ":" + kind, "[{}] closing the connection from {}: {}",
          server.name(), peer, reason);
    } else {
      server.log().debug("[{}] connection from {} closed", server.name(), peer);
    }
    if (key != null) {
      key.cancel();
    }
    wire.close();
    if (!processing) {
      // a worker still uses the frame otherwise; startReply releases it when the worker is done
      releaseFrame();
      ReplyBuffers.release(replyLeases);
      replyLeases = List.of();
    }
    idle = false;
    server.budget().forget(this);
    loop.forget(this);
    server.closed(this);
    List<Runnable> actions;
    synchronized (closeActions) {
      closed = true;
      actions = List.copyOf(closeActions);
      closeActions.clear();
    }
    actions.forEach(server::runCloseAction);
  }

  @Override
  public String toString() {
    return "connection " + id + " from " + peer;
  }
}
