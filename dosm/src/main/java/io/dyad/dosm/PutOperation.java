package io.dyad.dosm;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.common.Routing;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.thrift.WriteSession;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One object being written through this DOSM: a write session on each member of its pair that takes writes,
 * fed the same chunks at the same time. A member that fails (connection lost, timeout, refusal) is dropped
 * and the write goes on degraded on the other. The put is acknowledged only when every remaining member has
 * committed, and every member that lacks the object has a durable hint on one that has it — recorded in the
 * same commit when the member was known missing, or added right after when it failed at commit time.
 * Methods are synchronized: a put is driven by one client, but expiry may abort it concurrently.
 */
final class PutOperation {
  private static final Logger LOG = LoggerFactory.getLogger(PutOperation.class);

  /** One member's side of the put. */
  private static final class Target {
    final String member;
    final NodePool.Lease lease;
    final String sessionId;
    boolean failed;

    Target(String member, NodePool.Lease lease, String sessionId) {
      this.member = member;
      this.lease = lease;
      this.sessionId = sessionId;
    }
  }

  final String putId;
  final ObjectId id;
  final PairInfo pair;
  private final long epoch;
  private final List<Target> targets;
  private final Set<String> lacking;
  /** Members that already hold the id (a repeated put): they count as committed if their copy is identical. */
  private final List<String> preexisting;
  private final ClusterSnapshot snapshot;
  private final NodePool pool;
  private final Executor fanout;
  private final CRC32C crc = new CRC32C();
  private long offset;
  private boolean ended;
  private volatile long lastTouchedNanos = System.nanoTime();

  private PutOperation(String putId, ObjectId id, PairInfo pair, ClusterSnapshot snapshot, List<Target> targets,
      Set<String> lacking, List<String> preexisting, NodePool pool, Executor fanout) {
    this.putId = putId;
    this.id = id;
    this.pair = pair;
    this.snapshot = snapshot;
    this.epoch = snapshot.epoch();
    this.targets = targets;
    this.lacking = lacking;
    this.preexisting = preexisting;
    this.pool = pool;
    this.fanout = fanout;
  }

  /**
   * Opens write sessions on the pair's members that take writes. Members that are failed over, or that cannot
   * be reached now, will get hints instead.
   *
   * @throws DyadException UNAVAILABLE if no member can take the write; ALREADY_EXISTS, STORAGE_FULL,
   *     STALE_EPOCH as the members answer
   */
  static PutOperation begin(String putId, ObjectId id, long sizeHint, ClusterSnapshot s, NodePool pool,
      Executor fanout) throws DyadException {
    PairInfo pair = Placement.pairFor(id, s);
    Set<String> lacking = new LinkedHashSet<>(List.of(pair.a(), pair.b()));
    List<Target> targets = new ArrayList<>(2);
    List<String> preexisting = new ArrayList<>(2);
    DyadException refusal = null;
    for (String member : Router.writeTargets(pair, s)) {
      NodePool.Lease lease = null;
      try {
        lease = pool.lease(Router.address(member, s));
        WriteSession ws = lease.client().begin(id, sizeHint, Routing.at(s.epoch()));
        targets.add(new Target(member, lease, ws.getSessionId()));
        lacking.remove(member);
      } catch (DyadException e) {
        if (lease != null) {
          lease.checkBroken(e);
        }
        if (e.code() == ErrorCode.ALREADY_EXISTS && lease != null && mayBeIdentical(lease, id, sizeHint, s.epoch())) {
          preexisting.add(member); // a repeated put: compared at commit
          lacking.remove(member);
          lease.close();
          continue;
        }
        if (lease != null) {
          lease.close();
        }
        if (e.code() != ErrorCode.UNAVAILABLE) {
          refusal = e; // the member answered: the put cannot go on as asked
          break;
        }
        LOG.info("put {} of {}: member {} unavailable at begin ({}); writing degraded", putId, id, member, e.getMessage());
      }
    }
    PutOperation op = new PutOperation(putId, id, pair, s, targets, lacking, preexisting, pool, fanout);
    if (refusal != null) {
      op.abort();
      throw refusal;
    }
    if (targets.isEmpty() && preexisting.isEmpty()) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "no member of pair " + pair.id() + " (" + pair.a() + ", "
          + pair.b() + ") can take writes now");
    }
    return op;
  }

  /** Whether the member's existing copy could be what is being put again (not a tombstone, same length). */
  private static boolean mayBeIdentical(NodePool.Lease lease, ObjectId id, long sizeHint, long epoch) {
    try {
      ObjectMeta there = lease.client().stat(id, epoch);
      return !there.tombstone() && (sizeHint < 0 || there.length() == sizeHint);
    } catch (DyadException e) {
      return false;
    }
  }

  long lastTouchedNanos() {
    return lastTouchedNanos;
  }

  synchronized long length() {
    return offset;
  }

  /** Sends one chunk to every live target at once; drops those that fail. */
  synchronized void chunk(long chunkOffset, ByteBuffer data) throws DyadException {
    ensureOpen();
    lastTouchedNanos = System.nanoTime();
    if (chunkOffset != offset) {
      throw DyadException.invalidArgument("chunk at offset " + chunkOffset + " but put " + putId + " holds " + offset
          + " bytes; chunks must be sent in order, each once");
    }
    int n = data.remaining();
    List<Target> live = live();
    List<CompletableFuture<DyadException>> sends = new ArrayList<>(live.size());
    for (int i = 0; i < live.size(); i++) {
      Target t = live.get(i);
      if (i == live.size() - 1) {
        sends.add(CompletableFuture.completedFuture(send(t, data.duplicate())));
      } else {
        sends.add(CompletableFuture.supplyAsync(() -> send(t, data.duplicate()), fanout));
      }
    }
    for (int i = 0; i < live.size(); i++) {
      DyadException e = join(sends.get(i));
      if (e != null) {
        failOrRethrow(live.get(i), e);
      }
    }
    if (live().isEmpty() && preexisting.isEmpty()) {
      abort();
      throw new DyadException(ErrorCode.UNAVAILABLE, "put " + putId + " of " + id + ": both members of pair "
          + pair.id() + " failed; nothing was stored");
    }
    crc.update(data.duplicate());
    offset += n;
  }

  private DyadException send(Target t, ByteBuffer chunk) {
    try {
      t.lease.client().append(t.sessionId, offset, chunk);
      return null;
    } catch (DyadException e) {
      return e;
    }
  }

  /** A target's failure: drop it (degraded write) if it is the member's fault, else end the put. */
  private void failOrRethrow(Target t, DyadException e) throws DyadException {
    if (e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.INTERNAL || e.code() == ErrorCode.STALE_EPOCH) {
      LOG.info("put {} of {}: member {} failed ({}); going on degraded", putId, id, t.member, e.getMessage());
      t.failed = true;
      t.lease.broken();
      lacking.add(t.member);
      return;
    }
    abort();
    throw e;
  }

  /**
   * Commits on every live target (with hints for members already known to lack the object), then adds hints
   * for members that failed at commit. Ends the put either way.
   */
  synchronized ObjectMeta commit(long length, int crc32c) throws DyadException {
    ensureOpen();
    boolean acknowledged = false;
    try {
      if (length != offset) {
        throw DyadException.invalidArgument("commit of " + id + " says " + length + " bytes but " + offset + " were sent");
      }
      if ((int) crc.getValue() != crc32c) {
        throw new DyadException(ErrorCode.CHECKSUM_MISMATCH, String.format(
            "object %s: the %d bytes received have CRC32C %08x but the client sent %08x", id, offset,
            (int) crc.getValue(), crc32c));
      }
      ObjectMeta committed = checkPreexisting();
      Routing routing = new Routing(epoch, List.copyOf(lacking));
      List<Target> live = live();
      List<CompletableFuture<Object>> commits = new ArrayList<>();
      for (Target t : live) {
        commits.add(CompletableFuture.supplyAsync(() -> commitOn(t, routing), fanout));
      }
      List<String> committedOn = new ArrayList<>(preexisting);
      List<String> failedAtCommit = new ArrayList<>();
      DyadException lastError = null;
      for (int i = 0; i < live.size(); i++) {
        Object r = join(commits.get(i));
        if (r instanceof ObjectMeta m) {
          committed = m;
          committedOn.add(live.get(i).member);
        } else {
          DyadException e = (DyadException) r;
          if (e.code() == ErrorCode.CHECKSUM_MISMATCH || e.code() == ErrorCode.INVALID_ARGUMENT
              || e.code() == ErrorCode.ALREADY_EXISTS || e.code() == ErrorCode.STORAGE_FULL) {
            lastError = e;
          } else {
            lastError = lastError == null ? e : lastError;
          }
          live.get(i).failed = true;
          live.get(i).lease.broken();
          failedAtCommit.add(live.get(i).member);
        }
      }
      if (committed == null) {
        throw lastError != null && lastError.code() != ErrorCode.INTERNAL && lastError.code() != ErrorCode.STALE_EPOCH
            ? lastError
            : new DyadException(ErrorCode.UNAVAILABLE, "put " + putId + " of " + id + ": no member of pair "
                + pair.id() + " committed; nothing was acknowledged", lastError);
      }
      for (String member : failedAtCommit) {
        hintOnSomeone(member, committedOn);
      }
      acknowledged = true;
      return committed;
    } finally {
      if (acknowledged) {
        end();
      } else {
        abort(); // sessions not committed are dropped now rather than left to expire
      }
    }
  }

  /**
   * For a repeated put: each member that already held the id must hold exactly these bytes.
   *
   * @return the existing record if some member holds it, else null
   * @throws DyadException ALREADY_EXISTS if a member holds different bytes under this id
   */
  private ObjectMeta checkPreexisting() throws DyadException {
    ObjectMeta found = null;
    for (String member : preexisting) {
      try (NodePool.Lease lease = pool.lease(Router.address(member, snapshot))) {
        ObjectMeta there = lease.client().stat(id, epoch);
        if (there.tombstone() || there.length() != offset || there.crc32c() != (int) crc.getValue()) {
          throw new DyadException(ErrorCode.ALREADY_EXISTS, "object " + id + " already exists on " + member
              + " with different content");
        }
        found = there;
      }
    }
    return found;
  }

  /** The commit's result: the ObjectMeta, or the DyadException. */
  private Object commitOn(Target t, Routing routing) {
    try {
      return t.lease.client().commit(t.sessionId, offset, (int) crc.getValue(), routing);
    } catch (DyadException e) {
      if (e.code() == ErrorCode.ALREADY_EXISTS) {
        // a retried put of the same id: identical bytes already there count as committed
        try {
          ObjectMeta there = t.lease.client().stat(id, epoch);
          if (!there.tombstone() && there.length() == offset && there.crc32c() == (int) crc.getValue()) {
            return there;
          }
        } catch (DyadException ignored) {
          // report the original refusal
        }
      }
      return e;
    }
  }

  private void hintOnSomeone(String lackingMember, List<String> holders) throws DyadException {
    DyadException last = null;
    for (String h : holders) {
      try (NodePool.Lease lease = pool.lease(Router.address(h, snapshot))) {
        lease.client().addHint(lackingMember, id, epoch);
        LOG.info("put {} of {}: {} failed at commit; hint recorded on {}", putId, id, lackingMember, h);
        return;
      } catch (DyadException e) {
        last = e;
      }
    }
    throw new DyadException(ErrorCode.UNAVAILABLE, "put " + putId + " of " + id + ": " + lackingMember
        + " failed at commit and no hint could be recorded; not acknowledged (retry the put with the same id)", last);
  }

  /** Ends the put without committing: sessions aborted (best effort), connections returned. */
  synchronized void abort() {
    if (ended) {
      return;
    }
    for (Target t : targets) {
      if (!t.failed && !t.lease.isBroken()) {
        try {
          t.lease.client().abort(t.sessionId);
        } catch (DyadException e) {
          t.lease.checkBroken(e);
        }
      }
    }
    end();
  }

  private void end() {
    ended = true;
    for (Target t : targets) {
      t.lease.close();
    }
  }

  private void ensureOpen() throws DyadException {
    if (ended) {
      throw DyadException.notFound("put " + putId + " has ended (committed, aborted or expired)");
    }
  }

  private List<Target> live() {
    List<Target> out = new ArrayList<>(targets.size());
    for (Target t : targets) {
      if (!t.failed) {
        out.add(t);
      }
    }
    return out;
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }
}
