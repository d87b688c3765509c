package io.dyad.dosm;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.common.Presence;
import io.dyad.common.Routing;
import io.dyad.common.StaleEpochException;
import io.dyad.common.WriteSessionInfo;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Storage nodes in memory behind {@link NodeLink}, answering as docs/architecture.md says a node does: a write or
 * lookup routed under an epoch older than the node knows is refused with StaleEpoch; an id held already (or its
 * tombstone) refuses begin and commit with AlreadyExists; a commit records its hints; a node that is down answers
 * UNAVAILABLE; one that does not serve reads refuses them but answers lookups. Faults are injected per operation.
 */
final class FakeNodes implements NodeLink {

  /** An injected failure: thrown before the operation runs, or after it took effect (its answer lost). */
  record Fault(ErrorCode code, boolean afterApplying) {}

  /** One node's state. */
  static final class Node {
    final String member;
    final HostAndPort address;
    volatile boolean down;
    volatile boolean servesReads = true;
    volatile long epoch;
    final Map<ObjectId, byte[]> objects = new ConcurrentHashMap<>();
    final Set<ObjectId> tombstones = ConcurrentHashMap.newKeySet();
    final Map<String, Session> sessions = new ConcurrentHashMap<>();
    final Set<String> abortedSessions = ConcurrentHashMap.newKeySet();
    /** "lackingMember:id" for every hint recorded, in a commit or by addHint */
    final List<String> hints = java.util.Collections.synchronizedList(new ArrayList<>());
    /** every operation asked of this node, in order ("begin", "commit@5", ...) */
    final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
    final Map<String, List<Fault>> faults = new HashMap<>();

    Node(String member, HostAndPort address) {
      this.member = member;
      this.address = address;
    }

    /** The next {@code op} on this node fails with {@code code} (before doing anything). */
    Node failNext(String op, ErrorCode code) {
      return inject(op, new Fault(code, false));
    }

    /** The next {@code op} takes effect, but its answer is lost: the caller sees {@code code}. */
    Node loseNextAnswer(String op, ErrorCode code) {
      return inject(op, new Fault(code, true));
    }

    synchronized Node inject(String op, Fault f) {
      faults.computeIfAbsent(op, k -> new ArrayList<>()).add(f);
      return this;
    }

    synchronized Fault nextFault(String op) {
      List<Fault> l = faults.get(op);
      return l == null || l.isEmpty() ? null : l.remove(0);
    }

    boolean holds(ObjectId id) {
      return objects.containsKey(id);
    }

    long count(String op) {
      return calls.stream().filter(c -> c.equals(op) || c.startsWith(op + "@")).count();
    }
  }

  record Session(ObjectId id, ByteArrayOutputStream bytes) {}

  private final Map<HostAndPort, Node> nodes = new HashMap<>();
  private final AtomicInteger sessionIds = new AtomicInteger();
  final List<HostAndPort> forgotten = java.util.Collections.synchronizedList(new ArrayList<>());

  Node add(String member, String address, long epoch) {
    Node n = new Node(member, HostAndPort.fromString(address));
    n.epoch = epoch;
    nodes.put(n.address, n);
    return n;
  }

  /** Every node learns {@code epoch} (the coordinator bumped it; the DOSM's view may not have yet). */
  void epoch(long epoch) {
    nodes.values().forEach(n -> n.epoch = epoch);
  }

  @FunctionalInterface
  private interface Op<T> {
    T run(Node n) throws DyadException;
  }

  private <T> T on(HostAndPort address, String op, long epoch, Op<T> body) throws DyadException {
    Node n = nodes.get(address);
    if (n == null) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "no node at " + address);
    }
    n.calls.add(epoch > 0 ? op + "@" + epoch : op);
    if (n.down) {
      throw new DyadException(ErrorCode.UNAVAILABLE, n.member + " cannot be reached");
    }
    Fault f = n.nextFault(op);
    if (f != null && !f.afterApplying()) {
      throw fault(n, op, f);
    }
    if (epoch > 0 && epoch < n.epoch) {
      throw new StaleEpochException("routed under epoch " + epoch + " but " + n.member + " knows " + n.epoch, n.epoch);
    }
    T result = body.run(n);
    if (f != null) {
      throw fault(n, op, f);
    }
    return result;
  }

  private static DyadException fault(Node n, String op, Fault f) {
    return new DyadException(f.code(), "injected: " + op + " on " + n.member + " failed");
  }

  private static DyadException exists(Node n, ObjectId id) {
    return new DyadException(ErrorCode.ALREADY_EXISTS, id + " exists on " + n.member);
  }

  private static ObjectMeta meta(ObjectId id, byte[] bytes) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes);
    return new ObjectMeta(id, bytes.length, (int) crc.getValue(), false, 1);
  }

  private static ObjectMeta store(Node n, ObjectId id, byte[] bytes, Routing routing) throws DyadException {
    if (n.objects.containsKey(id) || n.tombstones.contains(id)) {
      throw exists(n, id);
    }
    for (String lacking : routing.hintFor()) {
      n.hints.add(lacking + ":" + id);
    }
    n.objects.put(id, bytes);
    return meta(id, bytes);
  }

  @Override
  public WriteSessionInfo begin(HostAndPort node, ObjectId id, long sizeHint, Routing routing) throws DyadException {
    return on(node, "begin", routing.epoch(), n -> {
      if (n.objects.containsKey(id) || n.tombstones.contains(id)) {
        throw exists(n, id);
      }
      String session = "s" + sessionIds.incrementAndGet();
      n.sessions.put(session, new Session(id, new ByteArrayOutputStream()));
      return new WriteSessionInfo(session, 1 << 20);
    });
  }

  @Override
  public void append(HostAndPort node, String sessionId, long offset, ByteBuffer chunk) throws DyadException {
    on(node, "append", 0, n -> {
      Session s = session(n, sessionId);
      byte[] b = new byte[chunk.remaining()];
      chunk.duplicate().get(b);
      s.bytes().writeBytes(b);
      return null;
    });
  }

  private static Session session(Node n, String sessionId) throws DyadException {
    Session s = n.sessions.get(sessionId);
    if (s == null) {
      throw DyadException.notFound("no write session " + sessionId + " on " + n.member);
    }
    return s;
  }

  @Override
  public ObjectMeta commit(HostAndPort node, String sessionId, long length, int crc32c, Routing routing)
      throws DyadException {
    return on(node, "commit", routing.epoch(), n -> {
      Session s = session(n, sessionId);
      if (s.bytes().size() != length) {
        throw DyadException.invalidArgument("commit of " + length + " bytes, session holds " + s.bytes().size());
      }
      ObjectMeta m = store(n, s.id(), s.bytes().toByteArray(), routing);
      n.sessions.remove(sessionId);
      return m;
    });
  }

  @Override
  public ObjectMeta write(HostAndPort node, ObjectId id, ByteBuffer data, int crc32c, Routing routing)
      throws DyadException {
    return on(node, "write", routing.epoch(), n -> {
      byte[] b = new byte[data.remaining()];
      data.duplicate().get(b);
      return store(n, id, b, routing);
    });
  }

  @Override
  public void abort(HostAndPort node, String sessionId) throws DyadException {
    on(node, "abort", 0, n -> {
      n.sessions.remove(sessionId);
      n.abortedSessions.add(sessionId);
      return null;
    });
  }

  @Override
  public ObjectMeta localStat(HostAndPort node, ObjectId id, long epoch) throws DyadException {
    return on(node, "localStat", epoch, n -> statOf(n, id));
  }

  private static ObjectMeta statOf(Node n, ObjectId id) throws DyadException {
    if (n.tombstones.contains(id)) {
      return new ObjectMeta(id, 0, 0, true, 1);
    }
    byte[] b = n.objects.get(id);
    if (b == null) {
      throw DyadException.notFound(id + " is not on " + n.member);
    }
    return meta(id, b);
  }

  @Override
  public Presence has(HostAndPort node, ObjectId id, long epoch) throws DyadException {
    return on(node, "has", epoch, n -> n.tombstones.contains(id) ? Presence.DELETED
        : n.objects.containsKey(id) ? Presence.PRESENT : Presence.ABSENT);
  }

  @Override
  public void addHint(HostAndPort node, String lackingMember, ObjectId id, long epoch) throws DyadException {
    on(node, "addHint", epoch, n -> n.hints.add(lackingMember + ":" + id));
  }

  @Override
  public ObjectMeta delete(HostAndPort node, ObjectId id, Routing routing) throws DyadException {
    return on(node, "delete", routing.epoch(), n -> {
      n.objects.remove(id);
      n.tombstones.add(id);
      routing.hintFor().forEach(m -> n.hints.add(m + ":" + id));
      return new ObjectMeta(id, 0, 0, true, 1);
    });
  }

  @Override
  public <T> T read(HostAndPort node, ReadCall<T> call) throws DyadException {
    return on(node, "read", 0, n -> call.call(new Reads() {
      @Override
      public HostAndPort target() {
        return n.address;
      }

      @Override
      public ObjectMeta stat(ObjectId id, long epoch) throws DyadException {
        return on(node, "stat", epoch, x -> statOf(servingReads(x), id));
      }

      @Override
      public ObjectMeta localStat(ObjectId id, long epoch) throws DyadException {
        return FakeNodes.this.localStat(node, id, epoch);
      }

      @Override
      public ByteBuffer readShared(ObjectId id, long offset, int length, long epoch) throws DyadException {
        return on(node, "readRange", epoch, x -> range(servingReads(x), id, offset, length));
      }

      @Override
      public ByteBuffer localReadShared(ObjectId id, long offset, int length, long epoch) throws DyadException {
        return on(node, "localRead", epoch, x -> range(x, id, offset, length));
      }
    }));
  }

  private static Node servingReads(Node n) throws DyadException {
    if (!n.servesReads) {
      throw new DyadException(ErrorCode.UNAVAILABLE, n.member + " serves no reads now");
    }
    return n;
  }

  private static ByteBuffer range(Node n, ObjectId id, long offset, int length) throws DyadException {
    byte[] b = n.objects.get(id);
    if (b == null) {
      throw DyadException.notFound(id + " is not on " + n.member);
    }
    if (offset + length > b.length) {
      throw DyadException.invalidArgument("range past the end");
    }
    return ByteBuffer.wrap(b, (int) offset, length).slice();
  }

  @Override
  public void forget(HostAndPort node) {
    forgotten.add(node);
  }

  /** Members that hold {@code id}. */
  Set<String> holders(ObjectId id) {
    Set<String> out = new HashSet<>();
    nodes.values().stream().filter(n -> n.holds(id)).forEach(n -> out.add(n.member));
    return out;
  }
}
