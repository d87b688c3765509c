package io.dyad.node.server;

import static io.dyad.rpc.ThriftTypes.toThrift;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.dyad.common.DyadException;
import io.dyad.common.DyadVersion;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.common.access.Locator;
import io.dyad.common.access.Locators;
import io.dyad.node.store.ObjectStore;
import io.dyad.node.store.StoreStatus;
import io.dyad.rpc.ThriftTypes;
import io.dyad.rpc.server.AccessRefusals;
import io.dyad.rpc.server.CallContext;
import io.dyad.rpc.server.CallerCheck;
import io.dyad.rpc.server.HandlerEdge;
import io.dyad.rpc.server.ReplyBuffers;
import io.dyad.thrift.HintPage;
import io.dyad.thrift.InventoryPage;
import io.dyad.thrift.NodeHealth;
import io.dyad.thrift.ObjectInfo;
import io.dyad.thrift.ObjectState;
import io.dyad.thrift.StorageNode;
import io.dyad.thrift.WriteContext;
import io.dyad.thrift.WriteSession;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.thrift.TException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Thrift edge of a storage node: checks every argument (a missing or negative one is InvalidArgument, never
 * an internal error), asks the {@link AccessGate} (fencing), converts between IDL and Dyad types, maps
 * {@link DyadException}s to the IDL's typed exceptions, and times every call. Holds no state of its own.
 */
final class StorageNodeHandler implements StorageNode.Iface {
  private static final Logger LOG = LoggerFactory.getLogger(StorageNodeHandler.class);
  private static final int REPLY_BUFFERS = 8;
  private static final int MAX_PAGE = 10_000;

  private final String memberId;
  private final ObjectStore store;
  private final AccessGate gate;
  private final CallerCheck callers;
  private final AccessRefusals refusals;
  private final HandlerEdge edge;
  private final Meter bytesIn;
  private final Meter bytesOut;
  private final long startedAtMillis;
  private final ReplyBuffers replyBuffers;

  StorageNodeHandler(String memberId, ObjectStore store, AccessGate gate, MetricRegistry metrics, Clock clock) {
    this.memberId = memberId;
    this.store = store;
    this.gate = gate;
    this.edge = new HandlerEdge(LOG, "member=" + memberId, "storage", metrics);
    this.refusals = new AccessRefusals("member=" + memberId, metrics.counter("storage.auth.refused")::inc,
        metrics.counter("storage.credentials.refused")::inc, metrics.counter("storage.auth.unbound")::inc);
    this.callers = new CallerCheck(gate.daemons(), Set.of("ping", "health", "authenticate", "readDirect"), refusals);
    this.bytesIn = metrics.meter("storage.bytes.in");
    this.bytesOut = metrics.meter("storage.bytes.out");
    this.startedAtMillis = clock.millis();
    // a few buffers of the largest read: enough for the concurrent big reads a node serves at full speed
    this.replyBuffers = ReplyBuffers.forHeap(store.scratchBytesFor(store.maxChunkBytes()), REPLY_BUFFERS);
  }

  /** One RPC's body; may throw Dyad errors, which the edge maps. */
  @FunctionalInterface
  private interface Call<T> {
    T run() throws DyadException;
  }

  private <T> T call(String method, Call<T> body) throws TException {
    return edge.call(method, () -> {
      callers.require(method);
      return body.run();
    });
  }

  private static <T> T required(T value, String name) throws DyadException {
    if (value == null) {
      throw DyadException.invalidArgument("the argument " + name + " is missing");
    }
    return value;
  }

  private static long epoch(long epoch) throws DyadException {
    if (epoch < 0) {
      throw DyadException.invalidArgument("epoch must not be negative, was " + epoch);
    }
    return epoch;
  }

  private static long epochOf(WriteContext ctx) throws DyadException {
    return ctx == null ? 0 : epoch(ctx.getEpoch());
  }

  private List<String> hintsOf(WriteContext ctx) throws DyadException {
    List<String> hintFor = ctx == null || ctx.getHintFor() == null ? List.of() : ctx.getHintFor();
    if (hintFor.stream().anyMatch(java.util.Objects::isNull)) { // List.of().contains(null) would throw
      throw DyadException.invalidArgument("hintFor names a missing member");
    }
    gate.checkHintTargets(hintFor);
    return hintFor;
  }

  private static int pageSize(int limit, String what) throws DyadException {
    if (limit < 1 || limit > MAX_PAGE) {
      throw DyadException.invalidArgument(what + " page size must be between 1 and " + MAX_PAGE + ", was " + limit);
    }
    return limit;
  }

  /** Whose write session this is: the daemon the connection authenticated as, else the peer's address. */
  private static String sessionOwner() {
    return CallContext.current().map(c -> c.daemon().orElse(c.peerHost())).orElse(ObjectStore.LOCAL_OWNER);
  }

  @Override
  public WriteSession beginWrite(String id, long sizeHint, WriteContext ctx) throws TException {
    return call("beginWrite", () -> {
      ObjectId objectId = ObjectId.of(id);
      gate.checkWrite(epochOf(ctx));
      return new WriteSession(store.begin(objectId, sizeHint, sessionOwner()), store.maxChunkBytes());
    });
  }

  @Override
  public void append(String sessionId, long offset, ByteBuffer data) throws TException {
    call("append", () -> {
      required(sessionId, "sessionId");
      int n = required(data, "data").remaining();
      store.append(sessionId, offset, data);
      bytesIn.mark(n);
      return null;
    });
  }

  @Override
  public ObjectInfo commitWrite(String sessionId, long length, int crc32c, WriteContext ctx) throws TException {
    return call("commitWrite", () -> {
      required(sessionId, "sessionId");
      gate.checkWrite(epochOf(ctx));
      return toThrift(store.commit(sessionId, length, crc32c, hintsOf(ctx)));
    });
  }

  @Override
  public ObjectInfo writeObject(String id, ByteBuffer data, int crc32c, WriteContext ctx) throws TException {
    return call("writeObject", () -> {
      ObjectId objectId = ObjectId.of(id);
      ByteBuffer content = required(data, "data");
      gate.checkWrite(epochOf(ctx));
      ObjectInfo written = toThrift(store.write(objectId, content, crc32c, hintsOf(ctx)));
      bytesIn.mark(content.remaining());
      return written;
    });
  }

  @Override
  public void abortWrite(String sessionId) throws TException {
    call("abortWrite", () -> {
      if (sessionId != null) { // no session named: nothing to abort, and abortWrite declares no InvalidArgument
        store.abort(sessionId);
      }
      return null;
    });
  }

  @Override
  public ByteBuffer read(String id, long offset, int length, long epoch) throws TException {
    return call("read", () -> {
      ObjectId objectId = ObjectId.of(id);
      gate.checkRead(epoch(epoch));
      return readRange(objectId, offset, length);
    });
  }

  @Override
  public ByteBuffer readDirect(String id, long offset, int length, String credential) throws TException {
    return call("readDirect", () -> {
      ObjectId objectId = ObjectId.of(id);
      Optional<Locators> locators = gate.locators();
      if (locators.isPresent()) {
        try {
          locators.get().check(credential, Locator.Operation.READ, objectId.value());
        } catch (DyadException e) {
          refusals.credentialRefused("readDirect of " + objectId.value(), e.getMessage());
          throw e;
        }
      }
      gate.checkRead(0);
      return readRange(objectId, offset, length);
    });
  }

  @Override
  public ByteBuffer localRead(String id, long offset, int length, long epoch) throws TException {
    return call("localRead", () -> {
      ObjectId objectId = ObjectId.of(id);
      gate.checkLookup(epoch(epoch));
      return readRange(objectId, offset, length);
    });
  }

  private ByteBuffer readRange(ObjectId id, long offset, int length) throws DyadException {
    if (length < 0 || length > store.maxChunkBytes()) {
      throw DyadException.invalidArgument("read of " + length + " bytes is not allowed (0 to "
          + store.maxChunkBytes() + " bytes per call)");
    }
    ByteBuffer scratch = length > 0 ? replyBuffers.lease(store.scratchBytesFor(length)) : null;
    ByteBuffer data = store.read(id, offset, length, scratch);
    bytesOut.mark(data.remaining());
    return data;
  }

  @Override
  public ObjectInfo stat(String id, long epoch) throws TException {
    return call("stat", () -> {
      ObjectId objectId = ObjectId.of(id);
      gate.checkRead(epoch(epoch));
      return toThrift(store.stat(objectId));
    });
  }

  @Override
  public ObjectInfo localStat(String id, long epoch) throws TException {
    return call("localStat", () -> {
      ObjectId objectId = ObjectId.of(id);
      gate.checkLookup(epoch(epoch));
      return toThrift(store.stat(objectId));
    });
  }

  @Override
  public ObjectState has(String id, long epoch) throws TException {
    return call("has", () -> {
      ObjectId objectId = ObjectId.of(id);
      gate.checkLookup(epoch(epoch));
      switch (store.presence(objectId)) {
        case PRESENT:
          return ObjectState.PRESENT;
        case DELETED:
          return ObjectState.DELETED;
        default:
          return ObjectState.ABSENT;
      }
    });
  }

  @Override
  public ObjectInfo deleteObject(String id, WriteContext ctx) throws TException {
    return call("deleteObject", () -> {
      ObjectId objectId = ObjectId.of(id);
      gate.checkWrite(epochOf(ctx));
      return toThrift(store.delete(objectId, hintsOf(ctx)));
    });
  }

  @Override
  public void addHint(String forMember, String id, WriteContext ctx) throws TException {
    call("addHint", () -> {
      ObjectId objectId = ObjectId.of(id);
      required(forMember, "forMember");
      gate.checkWrite(epochOf(ctx));
      gate.checkHintTargets(List.of(forMember));
      store.addHint(forMember, objectId);
      return null;
    });
  }

  @Override
  public HintPage listHints(String forMember, String cursor, int limit) throws TException {
    return call("listHints", () -> {
      gate.checkHintTargets(List.of(required(forMember, "forMember")));
      io.dyad.common.HintPage page = store.hints(forMember, cursor == null ? "" : cursor, pageSize(limit, "hint"));
      HintPage out = new HintPage(page.ids().stream().map(ObjectId::value).collect(Collectors.toList()));
      page.nextCursor().ifPresent(out::setNextCursor);
      return out;
    });
  }

  @Override
  public void clearHints(String forMember, List<String> ids) throws TException {
    call("clearHints", () -> {
      gate.checkHintTargets(List.of(required(forMember, "forMember")));
      List<ObjectId> objectIds = new ArrayList<>();
      for (String id : required(ids, "ids")) {
        objectIds.add(ObjectId.of(id));
      }
      store.clearHints(forMember, objectIds);
      return null;
    });
  }

  @Override
  public int dropMoved(List<ObjectInfo> moved, WriteContext ctx) throws TException {
    return call("dropMoved", () -> {
      gate.checkWrite(epochOf(ctx));
      List<ObjectMeta> metas = new ArrayList<>();
      pageSize(required(moved, "moved").size(), "dropMoved");
      for (ObjectInfo info : moved) {
        if (info.getLength() < 0) {
          throw DyadException.invalidArgument("a moved object's length must not be negative");
        }
        metas.add(new ObjectMeta(ObjectId.of(info.getId()), info.getLength(), info.getCrc32c(), info.isTombstone(),
            info.getWrittenAtMillis()));
      }
      return store.dropMoved(metas);
    });
  }

  @Override
  public InventoryPage inventory(String cursor, int limit) throws TException {
    return call("inventory", () -> {
      io.dyad.common.InventoryPage page = store.inventory(cursor == null ? "" : cursor, pageSize(limit, "inventory"));
      InventoryPage out = new InventoryPage(
          page.entries().stream().map(ThriftTypes::toThrift).collect(Collectors.toList()));
      page.nextCursor().ifPresent(out::setNextCursor);
      return out;
    });
  }

  @Override
  public void ping() {}

  @Override
  public void authenticate(String daemon, long time, String nonce, ByteBuffer proof) throws TException {
    call("authenticate", () -> {
      callers.authenticate(daemon, time, nonce, proof);
      return null;
    });
  }

  @Override
  public NodeHealth health() throws TException {
    return call("health", () -> {
      StoreStatus s = store.status();
      AccessGate.Status status = gate.status();
      return new NodeHealth(memberId, status.name(), startedAtMillis, s.usableBytes(), s.totalBytes(),
          s.reserveBytes(), s.openSessions(), store.maxChunkBytes(), DyadVersion.get()).setDetail(status.detail());
    });
  }
}
