package io.dyad.client;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.common.Presence;
import io.dyad.coordinator.model.GatewayInfo;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.coordinator.ZkSession;
import io.dyad.rpc.ThriftTypes;
import io.dyad.thrift.Location;
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
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of a Dyad cluster. Thread-safe: share one per process.
 *
 * <p>Every operation goes to a live DOSM (round robin); if that DOSM is unavailable the operation moves to the
 * next one — a get resumes where it stopped, a put of a re-readable source starts again under the same object
 * id (so a put that was in fact stored once is not stored twice). Gets check the CRC32C of everything they
 * received against the object's record, so corrupted or truncated data is never handed over silently.
 */
public final class DyadClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DyadClient.class);

  /** Something a put can read, perhaps more than once (for retries). */
  @FunctionalInterface
  public interface Source {
    InputStream open() throws IOException;
  }

  private final ClientConfig config;
  private final ZkSession zk;
  private final ClusterView view;
  private final ConcurrentMap<HostAndPort, Queue<GatewayConnection>> idle = new ConcurrentHashMap<>();
  private static final long SUSPECT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(3);

  private final AtomicInteger next = new AtomicInteger();
  private final ConcurrentMap<HostAndPort, Long> suspects = new ConcurrentHashMap<>();

  private DyadClient(ClientConfig config, ZkSession zk, ClusterView view) {
    this.config = config;
    this.zk = zk;
    this.view = view;
  }

  /** @throws DyadException UNAVAILABLE if ZooKeeper (for discovery) cannot be reached */
  public static DyadClient connect(ClientConfig config) throws DyadException {
    if (!config.dosms().isEmpty()) {
      return new DyadClient(config, null, null);
    }
    ZkSession zk = ZkSession.connect(config.zk().orElseThrow());
    ClusterView view = zk.clusterView();
    try {
      view.startAsync().awaitRunning();
    } catch (IllegalStateException e) {
      zk.close();
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot read the cluster from ZooKeeper: "
          + (view.failureCause() == null ? e.getMessage() : view.failureCause().getMessage()), e);
    }
    return new DyadClient(config, zk, view);
  }

  /** The DOSMs this client can use now. */
  public List<HostAndPort> gateways() {
    if (view == null) {
      return config.dosms();
    }
    List<HostAndPort> out = new ArrayList<>();
    for (GatewayInfo g : view.current().dosms().values()) {
      out.add(HostAndPort.fromString(g.address()));
    }
    return out;
  }

  // ---- operations ----

  /** Stores a file under a new id and returns its record. */
  public ObjectMeta put(Path file) throws DyadException, IOException {
    return put(Optional.empty(), () -> Files.newInputStream(file), Files.size(file));
  }

  /**
   * Stores what {@code source} yields. {@code id}: the id to use, or empty for a new random one; sizeHint: the
   * length, or -1. If the DOSM fails midway, the source is opened again and the put repeated elsewhere.
   */
  public ObjectMeta put(Optional<ObjectId> id, Source source, long sizeHint) throws DyadException, IOException {
    Optional<ObjectId> useId = id;
    DyadException last = null;
    int start = next.getAndIncrement();
    for (int attempt = 0; attempt < config.attempts(); attempt++) {
      HostAndPort dosm = pick(start + attempt);
      GatewayConnection c = null;
      PutSession session = null;
      boolean healthy = false;
      try (InputStream in = source.open()) {
        c = borrow(dosm);
        final GatewayConnection conn = c;
        final Optional<ObjectId> requested = useId;
        session = conn.call(g -> g.beginPut(sizeHint, requested.map(ObjectId::value).orElse("")));
        useId = Optional.of(ObjectId.of(session.getObjectId())); // a retry reuses the id
        ObjectMeta meta = stream(conn, session, in);
        healthy = true;
        return meta;
      } catch (DyadException e) {
        if (!retriable(e)) {
          healthy = true;
          throw e;
        }
        last = e;
        suspect(dosm);
        LOG.info("put through {} failed ({}); trying another DOSM", dosm, e.getMessage());
      } finally {
        giveBack(c, healthy);
      }
    }
    throw exhausted("put", last);
  }

  private ObjectMeta stream(GatewayConnection c, PutSession session, InputStream in) throws DyadException, IOException {
    int chunk = Math.min(config.chunkBytes(), session.getMaxChunkBytes());
    byte[] buf = new byte[chunk];
    CRC32C crc = new CRC32C();
    long offset = 0;
    int n;
    while ((n = in.readNBytes(buf, 0, chunk)) > 0) {
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
    return ThriftTypes.toMeta(c.target, c.call(g -> g.commitPut(session.getPutId(), length, (int) crc.getValue())));
  }

  /**
   * Streams object {@code id} into {@code out}, checking the CRC32C of everything received against its record.
   * If a DOSM fails midway, the rest comes from another.
   */
  public ObjectMeta get(ObjectId id, OutputStream out) throws DyadException, IOException {
    ObjectMeta meta = stat(id);
    CRC32C crc = new CRC32C();
    long offset = 0;
    DyadException last = null;
    int failures = 0;
    int start = next.getAndIncrement();
    while (offset < meta.length()) {
      HostAndPort dosm = pick(start + failures);
      GatewayConnection c = null;
      boolean healthy = false;
      try {
        c = borrow(dosm);
        while (offset < meta.length()) {
          final long at = offset;
          final int len = (int) Math.min(config.chunkBytes(), meta.length() - offset);
          final GatewayConnection conn = c;
          ByteBuffer data = conn.call(g -> g.get(id.value(), at, len));
          if (!data.hasRemaining()) {
            throw new DyadException(ErrorCode.INTERNAL, dosm + " returned no bytes at offset " + offset + " of " + id);
          }
          crc.update(data.duplicate());
          offset += data.remaining();
          out.write(data.array(), data.arrayOffset() + data.position(), data.remaining());
        }
        healthy = true;
      } catch (DyadException e) {
        if (!retriable(e) || ++failures >= config.attempts()) {
          healthy = !retriable(e);
          throw retriable(e) ? exhausted("get of " + id, e) : e;
        }
        last = e;
        suspect(dosm);
        LOG.info("get of {} through {} failed at offset {} ({}); resuming on another DOSM", id, dosm, offset,
            e.getMessage());
      } finally {
        giveBack(c, healthy);
      }
    }
    if ((int) crc.getValue() != meta.crc32c()) {
      throw new DyadException(ErrorCode.CHECKSUM_MISMATCH, String.format(
          "object %s: the bytes received have CRC32C %08x, its record says %s", id, (int) crc.getValue(), meta.crcHex()));
    }
    if (last != null) {
      LOG.debug("get of {} completed after a DOSM failure", id);
    }
    return meta;
  }

  public ObjectMeta stat(ObjectId id) throws DyadException {
    return withGateway("stat of " + id, c -> ThriftTypes.toMeta(c.target, c.call(g -> g.stat(id.value()))));
  }

  public ObjectMeta delete(ObjectId id) throws DyadException {
    return withGateway("delete of " + id, c -> ThriftTypes.toMeta(c.target, c.call(g -> g.deleteObject(id.value()))));
  }

  public Located locate(ObjectId id) throws DyadException {
    io.dyad.thrift.Locations l = withGateway("locate of " + id, c -> c.call(g -> g.locate(id.value())));
    List<Located.Copy> copies = new ArrayList<>();
    for (Location loc : l.getLocations()) {
      Presence p = loc.getState() == ObjectState.PRESENT ? Presence.PRESENT
          : loc.getState() == ObjectState.DELETED ? Presence.DELETED : Presence.ABSENT;
      copies.add(new Located.Copy(loc.getMemberId(), loc.getAddress(), loc.getCenter(), p, loc.getHow()));
    }
    return new Located(l.getId(), l.getPairId(), copies);
  }

  // ---- plumbing ----

  @FunctionalInterface
  private interface Op<T> {
    T run(GatewayConnection c) throws DyadException;
  }

  private <T> T withGateway(String what, Op<T> op) throws DyadException {
    DyadException last = null;
    int start = next.getAndIncrement();
    for (int attempt = 0; attempt < config.attempts(); attempt++) {
      HostAndPort dosm = pick(start + attempt);
      GatewayConnection c = null;
      boolean healthy = false;
      try {
        c = borrow(dosm);
        T r = op.run(c);
        healthy = true;
        return r;
      } catch (DyadException e) {
        if (!retriable(e)) {
          healthy = true;
          throw e;
        }
        last = e;
        suspect(dosm);
      } finally {
        giveBack(c, healthy);
      }
    }
    throw exhausted(what, last);
  }

  private static boolean retriable(DyadException e) {
    return e.code().isRetriableElsewhere();
  }

  private static DyadException exhausted(String what, DyadException last) {
    return new DyadException(ErrorCode.UNAVAILABLE, what + " failed on every DOSM tried"
        + (last == null ? "" : ": " + last.getMessage()), last);
  }

  /**
   * The {@code n}-th DOSM in round-robin order, skipping those that failed in the last few seconds (unless
   * every one did): an operation retries on {@code start}, {@code start + 1}, ...
   */
  private HostAndPort pick(int n) throws DyadException {
    List<HostAndPort> all = gateways();
    if (all.isEmpty()) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "no DOSM is running (none registered under /dyad/dosm)");
    }
    long now = System.nanoTime();
    List<HostAndPort> healthy = new ArrayList<>(all.size());
    for (HostAndPort d : all) {
      Long until = suspects.get(d);
      if (until == null || now - until > 0) {
        healthy.add(d);
      }
    }
    List<HostAndPort> from = healthy.isEmpty() ? all : healthy;
    return from.get(Math.floorMod(n, from.size()));
  }

  /** Avoids a DOSM that just failed, for a few seconds (until discovery notices it is gone, if it is). */
  private void suspect(HostAndPort dosm) {
    suspects.put(dosm, System.nanoTime() + SUSPECT_NANOS);
  }

  private GatewayConnection borrow(HostAndPort dosm) throws DyadException {
    GatewayConnection c = idle.computeIfAbsent(dosm, d -> new ConcurrentLinkedQueue<>()).poll();
    return c != null ? c : GatewayConnection.open(dosm, config.thrift());
  }

  private void giveBack(GatewayConnection c, boolean healthy) {
    if (c == null) {
      return;
    }
    if (healthy) {
      idle.computeIfAbsent(c.target, d -> new ConcurrentLinkedQueue<>()).offer(c);
    } else {
      c.close();
      Queue<GatewayConnection> q = idle.remove(c.target);
      if (q != null) {
        q.forEach(GatewayConnection::close);
      }
    }
  }


  @Override
  public void close() {
    idle.values().forEach(q -> q.forEach(GatewayConnection::close));
    idle.clear();
    if (view != null) {
      view.stopAsync().awaitTerminated();
    }
    if (zk != null) {
      zk.close();
    }
  }
}
