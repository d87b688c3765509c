package io.dyad.client;

import com.google.common.net.HostAndPort;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.common.Presence;
import io.dyad.rpc.ConnectionPool;
import io.dyad.rpc.RpcConnection;
import io.dyad.rpc.ThriftTypes;
import io.dyad.thrift.Location;
import io.dyad.thrift.ObjectGateway;
import io.dyad.thrift.ObjectState;
import io.dyad.thrift.PutSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of a Dyad cluster. Thread-safe: share one per process.
 *
 * <p>It starts from one or more gateway addresses and learns the other live gateways from them (no ZooKeeper
 * needed). Every operation goes to a gateway (round robin); if that gateway is unavailable the operation moves to
 * the next one — a get resumes where it stopped (it keeps a few chunks in flight, each retried on its own; it reads
 * from the storage node that serves the object when it can reach it, and through a gateway otherwise), a put of a re-readable source starts again under the same object
 * id (so a put that was in fact stored once is not stored twice). An object no bigger than one chunk whose size is
 * known is stored in a single call. Gets check the CRC32C of everything they received
 * against the object's record, so corrupted or truncated data is never handed over silently. Connections are
 * pooled, bounded per gateway and closed when idle.
 */
public final class DyadClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DyadClient.class);

  /** Something a put can read, perhaps more than once (for retries). */
  @FunctionalInterface
  public interface Source {
    InputStream open() throws IOException;

    /**
     * A stream that can be read only once ({@code what} names it in the error): a put that fails midway and would
     * start again fails instead, with UNAVAILABLE. The put does not close {@code in}: its owner does.
     */
    static Source once(InputStream in, String what) {
      boolean[] opened = {false};
      return () -> {
        if (opened[0]) {
          throw new DyadIOException(new DyadException(ErrorCode.UNAVAILABLE, "writing " + what
              + " failed midway and a stream cannot be read again: write it again"));
        }
        opened[0] = true;
        return new java.io.FilterInputStream(in) {
          @Override
          public void close() {
            // the caller owns the stream
          }
        };
      };
    }
  }

  private final ClientConfig config;
  private final ConnectionPool<RpcConnection<ObjectGateway.Client>> pool;
  private final GatewayDirectory directory;
  private final AtomicInteger next = new AtomicInteger();
  /** Chunks a get asks for ahead of the one it consumes (so at most this many chunks of memory per get). */
  static final int READ_AHEAD_CHUNKS = 4;
  private final DirectReads direct;
  /** Closes idle connections in time, also when the client makes no calls (pools close them on use otherwise). */
  private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(
      new ThreadFactoryBuilder().setDaemon(true).setNameFormat("dyad-client-idle-%d").build());
  /**
   * Fetches chunks ahead of readers: as many threads as connections could serve them (more would only wait for a
   * connection), idle ones ending after 30 s; beyond that, chunks wait their turn in order. The queue stays short:
   * each open stream has at most {@link #READ_AHEAD_CHUNKS} chunks asked, and closing it cancels them.
   */
  private final ThreadPoolExecutor readers;

  private DyadClient(ClientConfig config) {
    this.config = config;
    int readerThreads = Math.max(READ_AHEAD_CHUNKS,
        config.maxConnectionsPerGateway() * Math.max(1, config.gateways().size()));
    this.readers = new ThreadPoolExecutor(readerThreads, readerThreads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), new ThreadFactoryBuilder().setDaemon(true)
            .setNameFormat("dyad-client-read-%d").build());
    readers.allowCoreThreadTimeOut(true);
    this.pool = new ConnectionPool<>(g -> RpcConnection.open(g, config.thrift(), ObjectGateway.Client::new),
        config.maxConnectionsPerGateway(), config.thrift().requestTimeout(), config.maxIdle());
    this.direct = new DirectReads(config);
    long sweep = Math.max(1000, config.maxIdle().toMillis() / 10);
    housekeeping.scheduleWithFixedDelay(this::evictIdle, sweep, sweep, TimeUnit.MILLISECONDS);
    this.directory = new GatewayDirectory(config.gateways(),
        g -> pool.call(g, ConnectionPool.Retry.SAFE, c -> c.call(gw -> gw.listGateways())), config.refreshEvery());
  }

  /**
   * A client that has learned the live gateways from one of {@code config.gateways()}.
   *
   * @throws DyadException UNAVAILABLE if none of them answers
   */
  public static DyadClient connect(ClientConfig config) throws DyadException {
    DyadClient client = new DyadClient(config);
    try {
      client.directory.refresh();
    } catch (DyadException e) {
      client.close();
      throw e;
    }
    return client;
  }

  /** The gateways this client can use now. */
  public List<HostAndPort> gateways() {
    return directory.gateways();
  }

  /** The live DDMs (file-system gateways), as a gateway listed them. */
  public List<HostAndPort> directoryGateways() {
    directory.gateways();
    return directory.directoryGateways();
  }

  // ---- operations ----

  /** Stores a file under a new id and returns its record. */
  public ObjectMeta put(Path file) throws DyadException, IOException {
    return put(Optional.empty(), () -> Files.newInputStream(file), Files.size(file));
  }

  /**
   * Stores what {@code source} yields. {@code id}: the id to use, or empty for a new random one; sizeHint: the
   * length, or -1. If the gateway fails midway, the source is opened again and the put repeated elsewhere.
   */
  public ObjectMeta put(Optional<ObjectId> id, Source source, long sizeHint) throws DyadException, IOException {
    return put(id, source, sizeHint, null);
  }

  /**
   * As {@link #put(Optional, Source, long)}, presenting {@code locator} (a write locator for {@code id} from a DDM)
   * instead of the configured credential; null: the configured one.
   */
  public ObjectMeta put(Optional<ObjectId> id, Source source, long sizeHint, String locator) throws DyadException,
      IOException {
    int wholeLimit = Math.min(config.chunkBytes(), directory.maxChunkBytes());
    if (sizeHint >= 0 && sizeHint <= wholeLimit) {
      byte[] bytes;
      try (InputStream in = source.open()) {
        bytes = in.readNBytes(wholeLimit + 1);
      }
      if (bytes.length <= wholeLimit) {
        return putWhole(id.orElseGet(ObjectId::random), bytes, locator);
      }
      // the source is longer than its hint said: a chunked put
    }
    Optional<ObjectId> useId = id;
    DyadException last = null;
    int start = next.getAndIncrement();
    for (int attempt = 0; attempt < config.attempts(); attempt++) {
      HostAndPort dosm = directory.pick(start + attempt);
      ConnectionPool<RpcConnection<ObjectGateway.Client>>.Lease lease = null;
      try (InputStream in = source.open()) {
        String requested = useId.map(ObjectId::value).orElse("");
        lease = pool.lease(dosm);
        PutSession session;
        try {
          session = lease.connection().call(g -> g.beginPut(sizeHint, requested, credential(locator)));
        } catch (DyadException e) {
          if (!lease.reused() || !lease.connection().isBroken()) {
            throw e;
          }
          lease.close(); // a pooled connection the gateway had closed: once more on a fresh one
          lease = pool.leaseFresh(dosm);
          session = lease.connection().call(g -> g.beginPut(sizeHint, requested, credential(locator)));
        }
        useId = Optional.of(ObjectId.of(session.getObjectId())); // a retry reuses the id
        return stream(lease.connection(), session, in);
      } catch (DyadException e) {
        if (!e.code().isRetriableElsewhere()) {
          throw e;
        }
        last = e;
        directory.suspect(dosm);
        LOG.info("put through {} failed ({}); trying another gateway", dosm, e.getMessage());
      } finally {
        if (lease != null) {
          lease.close();
        }
      }
    }
    throw exhausted("put", last);
  }

  /**
   * A small object in one call. The id is chosen here, so a retry on another gateway after a lost answer stores
   * nothing twice (the gateway takes identical bytes already stored under the id as stored).
   */
  private ObjectMeta putWhole(ObjectId id, byte[] bytes, String locator) throws DyadException {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    int crc32c = (int) crc.getValue();
    return withGateway("put of " + id, c -> ThriftTypes.toMeta(c.target(),
        c.call(g -> g.putObject(id.value(), ByteBuffer.wrap(bytes), crc32c, credential(locator)))));
  }

  private ObjectMeta stream(RpcConnection<ObjectGateway.Client> c, PutSession session, InputStream in) throws DyadException,
      IOException {
    int chunk = Math.min(config.chunkBytes(), session.getMaxChunkBytes());
    byte[] buf = new byte[chunk];
    CRC32C crc = new CRC32C();
    long offset = 0;
    int n;
    while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
      crc.update(buf, 0, n);
      final long at = offset;
      final int len = n;
      c.call(g -> {
        g.putChunk(session.getPutId(), at, ByteBuffer.wrap(buf, 0, len));
        return null;
      });
      offset += n;
    }
    final long length = offset;
    return ThriftTypes.toMeta(c.target(), c.call(g -> g.commitPut(session.getPutId(), length, (int) crc.getValue())));
  }

  /**
   * Streams object {@code id} into {@code out}, checking the CRC32C of everything received against its record.
   * If a gateway fails midway, the rest comes from another.
   */
  public ObjectMeta get(ObjectId id, OutputStream out) throws DyadException, IOException {
    return get(id, out, null);
  }

  /** As {@link #get(ObjectId, OutputStream)}, presenting {@code locator} (a read locator from a DDM); null: the configured credential. */
  public ObjectMeta get(ObjectId id, OutputStream out, String locator) throws DyadException, IOException {
    try (ObjectStream in = openStream(id, 0, -1, locator)) {
      in.transferTo(out);
      return in.meta();
    } catch (DyadIOException e) {
      throw e.dyad();
    }
  }

  /**
   * Object {@code id} as a stream, from {@code offset} for {@code length} bytes (-1: to the end), read ahead in
   * chunks; a stream of the whole object checks its CRC32C before it reports the end. Failures while reading are
   * {@link DyadIOException}s; a gateway or node that fails midway is replaced, resuming at the offset reached. Close
   * it.
   *
   * @param locator a read locator from a DDM; null: the configured credential
   * @throws DyadException NOT_FOUND, ACCESS_DENIED..., INVALID_ARGUMENT for an offset past the end
   */
  public InputStream open(ObjectId id, long offset, long length, String locator) throws DyadException {
    return openStream(id, offset, length, locator);
  }

  ObjectStream openStream(ObjectId id, long offset, long length, String locator) throws DyadException {
    int start = next.getAndIncrement();
    ReadPlan plan = withGateway("stat of " + id, c -> {
      io.dyad.thrift.ReadPlan p = c.call(g -> g.openRead(id.value(), credential(locator)));
      return new ReadPlan(ThriftTypes.toMeta(c.target(), p.getInfo()), p.getNodeAddress());
    });
    ObjectMeta meta = plan.meta();
    if (offset < 0 || offset > meta.length() || length < -1) {
      throw DyadException.invalidArgument("object " + id + " holds " + meta.length() + " bytes: cannot read "
          + (length < 0 ? "from " + offset : length + " bytes at " + offset));
    }
    long end = length < 0 ? meta.length() : Math.min(meta.length(), offset + length);
    Optional<HostAndPort> node = config.directReads() ? nodeAddress(plan.node()) : Optional.empty();
    ReadAhead.Fetch fetch = node.isPresent() && direct.worthTrying(node.get())
        ? new DirectFirst(node.get(), id, locator, start) : (at, len) -> fetch(id, at, len, locator, start);
    int chunk = Math.min(config.chunkBytes(), directory.maxChunkBytes());
    return new ObjectStream(meta, new ReadAhead(readers, fetch, offset, end, chunk, READ_AHEAD_CHUNKS),
        offset == 0 && end == meta.length());
  }

  private void evictIdle() {
    try {
      pool.evictIdle();
      direct.evictIdle();
    } catch (RuntimeException e) {
      LOG.warn("closing idle connections failed; tried again shortly", e);
    }
  }

  private static Optional<HostAndPort> nodeAddress(String address) {
    try {
      return address.isEmpty() ? Optional.empty() : Optional.of(HostAndPort.fromString(address));
    } catch (IllegalArgumentException e) {
      LOG.info("a gateway named the node {} to read from, not an address; reading through the gateways", address);
      return Optional.empty();
    }
  }

  /** An object's record and the storage node to read it from ("": through the gateways). */
  private record ReadPlan(ObjectMeta meta, String node) {}

  /**
   * The ranges of one get from the storage node the gateway named; after the first failure there (the node died, was
   * failed over, cannot be reached from here, refuses the size...), this range and the rest through the gateways.
   */
  private final class DirectFirst implements ReadAhead.Fetch {
    private final HostAndPort node;
    private final ObjectId id;
    private final String locator;
    private final int start;
    private volatile boolean failed;

    DirectFirst(HostAndPort node, ObjectId id, String locator, int start) {
      this.node = node;
      this.id = id;
      this.locator = locator;
      this.start = start;
    }

    @Override
    public ByteBuffer fetch(long offset, int length) throws DyadException {
      if (!failed) {
        try {
          return direct.read(node, id, offset, length, credential(locator));
        } catch (DyadException e) {
          failed = true;
          LOG.info("direct read of {} from {} failed at offset {} ({}); reading the rest through the gateways", id,
              node, offset, e.getMessage());
        }
      }
      return DyadClient.this.fetch(id, offset, length, locator, start);
    }
  }

  /** One range of an object; if a gateway fails, the range is asked for again from the next one. */
  private ByteBuffer fetch(ObjectId id, long offset, int length, String locator, int start) throws DyadException {
    DyadException last = null;
    for (int attempt = 0; attempt < config.attempts(); attempt++) {
      HostAndPort dosm = directory.pick(start + attempt);
      try {
        return pool.call(dosm, ConnectionPool.Retry.SAFE,
            c -> copy(c.call(g -> g.get(id.value(), offset, length, credential(locator)))));
      } catch (DyadException e) {
        if (!e.code().isRetriableElsewhere()) {
          throw e;
        }
        last = e;
        directory.suspect(dosm);
        LOG.info("get of {} through {} failed at offset {} ({}); resuming on another gateway", id, dosm, offset,
            e.getMessage());
      }
    }
    throw exhausted("get of " + id, last);
  }

  /** The reply aliases the connection's buffer, which goes back to the pool: keep a copy. */
  private static ByteBuffer copy(ByteBuffer shared) {
    return ByteBuffer.allocate(shared.remaining()).put(shared).flip();
  }

  public ObjectMeta stat(ObjectId id) throws DyadException {
    return stat(id, null);
  }

  /** An object's record, presenting {@code locator} (null: the configured credential). */
  public ObjectMeta stat(ObjectId id, String locator) throws DyadException {
    return withGateway("stat of " + id, c -> ThriftTypes.toMeta(c.target(),
        c.call(g -> g.stat(id.value(), credential(locator)))));
  }

  public ObjectMeta delete(ObjectId id) throws DyadException {
    return withGateway("delete of " + id, c -> ThriftTypes.toMeta(c.target(),
        c.call(g -> g.deleteObject(id.value(), credential(null)))));
  }

  public Located locate(ObjectId id) throws DyadException {
    io.dyad.thrift.Locations l = withGateway("locate of " + id, c -> c.call(g -> g.locate(id.value(),
        credential(null))));
    List<Located.Copy> copies = new ArrayList<>();
    for (Location loc : l.getLocations()) {
      Presence p = loc.getState() == ObjectState.PRESENT ? Presence.PRESENT
          : loc.getState() == ObjectState.DELETED ? Presence.DELETED : Presence.ABSENT;
      copies.add(new Located.Copy(loc.getMemberId(), loc.getAddress(), loc.getCenter(), p, loc.getHow()));
    }
    return new Located(l.getId(), l.getPairId(), copies);
  }

  // ---- plumbing ----

  /** The locator given for an operation, else the configured credential. */
  private String credential(String locator) {
    return locator != null ? locator : config.credential().get();
  }

  /** An operation that may be sent again to the same or another gateway. */
  private <T> T withGateway(String what, ConnectionPool.Call<RpcConnection<ObjectGateway.Client>, T> op) throws DyadException {
    DyadException last = null;
    int start = next.getAndIncrement();
    for (int attempt = 0; attempt < config.attempts(); attempt++) {
      HostAndPort dosm = directory.pick(start + attempt);
      try {
        return pool.call(dosm, ConnectionPool.Retry.SAFE, op);
      } catch (DyadException e) {
        if (!e.code().isRetriableElsewhere()) {
          throw e;
        }
        last = e;
        directory.suspect(dosm);
      }
    }
    throw exhausted(what, last);
  }

  private static DyadException exhausted(String what, DyadException last) {
    return new DyadException(ErrorCode.UNAVAILABLE, what + " failed on every gateway tried"
        + (last == null ? "" : ": " + last.getMessage()), last);
  }

  @Override
  public void close() {
    housekeeping.shutdownNow();
    readers.shutdown();
    direct.close();
    pool.close();
  }
}
