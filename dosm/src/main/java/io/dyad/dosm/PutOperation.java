package io.dyad.dosm;

import com.google.common.net.HostAndPort;
import io.dyad.common.Blame;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.common.Routing;
import io.dyad.common.StaleEpochException;
import io.dyad.common.WriteSessionInfo;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.server.LogLimiter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One object being written through this DOSM: a write session on each member of its pair that takes writes,
 * fed the same chunks at the same time. No node connection is held between the client's calls: an idle put pins
 * nothing but its sessions on the nodes.
 *
 * <p>A member that fails (unreachable, full, its session lost — {@link Blame#MEMBER}) is dropped and the write goes
 * on degraded on the other. The put is acknowledged only when every remaining member has committed, and every
 * member that lacks the object has a durable hint on one that has it — recorded in the same commit when the member
 * was known to lack it, or added right after when it failed at commit time. A commit that meets a newer epoch is
 * sent again under it; one whose answer was lost is checked on the member before it counts as failed.
 *
 * <p>The client drives a put one call at a time; {@link #abort} never waits for a call in progress (that call
 * finds the put aborted when it ends).
 */
final class PutOperation implements PutSessions.Put {
  private static final Logger LOG = LoggerFactory.getLogger(PutOperation.class);
  private static final int COMMIT_ATTEMPTS = 3;
  private static final int HINT_ATTEMPTS = 3;

  /** One member's side of the put. */
  private static final class Target {
    final String member;
    final HostAndPort node;
    /** the member's write session; null for a whole put, written in one call at commit */
    final String sessionId;
    volatile boolean failed;

    Target(String member, HostAndPort node, String sessionId) {
      this.member = member;
      this.node = node;
      this.sessionId = sessionId;
    }
  }

  final String putId;
  final ObjectId id;
  final PairInfo pair;
  private final PutContext ctx;
  private final ClusterSnapshot snapshot;
  private final List<Target> targets;
  private final Set<String> lacking;
  /** Members that already hold the id (a repeated put): they count as committed if their copy is identical. */
  private final List<String> preexisting;
  private final CRC32C crc = new CRC32C();
  private final ReentrantLock busy = new ReentrantLock();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile boolean abortRequested;
  private long offset;
  /** a whole put's bytes (see {@link #whole}); null for a chunked put */
  private ByteBuffer whole;
  /** members whose copy was found already there, identical, instead of committed by this put */
  private final Set<String> foundIdentical = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile long lastTouchedNanos;

  private PutOperation(String putId, ObjectId id, PairInfo pair, ClusterSnapshot snapshot, List<Target> targets,
      Set<String> lacking, List<String> preexisting, PutContext ctx) {
    this.putId = putId;
    this.id = id;
    this.pair = pair;
    this.snapshot = snapshot;
    this.targets = targets;
    this.lacking = lacking;
    this.preexisting = preexisting;
    this.ctx = ctx;
    this.lastTouchedNanos = ctx.ticker().read();
  }

  /**
   * Opens write sessions on the pair's members that take writes. Members that are failed over, full, or cannot be
   * reached now will get hints instead.
   *
   * @throws DyadException UNAVAILABLE (or STORAGE_FULL) if no member can take the write; ALREADY_EXISTS,
   *     INVALID_ARGUMENT or STALE_EPOCH as the members answer
   */
  static PutOperation begin(String putId, ObjectId id, long sizeHint, ClusterSnapshot s, PutContext ctx)
      throws DyadException {
    PairInfo pair = Placement.pairFor(id, s);
    Set<String> lacking = new LinkedHashSet<>(List.of(pair.a(), pair.b()));
    List<Target> targets = new ArrayList<>(2);
    List<String> preexisting = new ArrayList<>(2);
    DyadException refusal = null;
    DyadException full = null;
    for (String member : Router.writeTargets(pair, s)) {
      HostAndPort node = Router.address(member, s);
      try {
        WriteSessionInfo ws = ctx.nodes().begin(node, id, sizeHint, Routing.at(s.epoch()));
        targets.add(new Target(member, node, ws.sessionId()));
        lacking.remove(member);
      } catch (DyadException e) {
        if (e.code() == ErrorCode.ALREADY_EXISTS && mayBeIdentical(ctx, node, id, sizeHint, s.epoch())) {
          preexisting.add(member); // a repeated put: compared at commit
          lacking.remove(member);
        } else if (Blame.of(e, Blame.Access.WRITE) == Blame.MEMBER) {
          full = e.code() == ErrorCode.STORAGE_FULL ? e : full;
          // once a minute per member and kind: a member out of sessions would otherwise log a line per put
          LogLimiter.info(LOG, "degraded-begin:" + member + ":" + e.code(), "put {} of {}: member {} cannot take it "
              + "({}); writing degraded", putId, id, member, e.getMessage());
        } else {
          refusal = e; // the request is wrong, or the view is stale: the put cannot go on as asked
          break;
        }
      }
    }
    PutOperation op = new PutOperation(putId, id, pair, s, targets, lacking, preexisting, ctx);
    if (refusal != null) {
      op.abortNow();
      throw refusal;
    }
    if (targets.isEmpty() && preexisting.isEmpty()) {
      if (full != null) {
        throw full;
      }
      throw new NoWriterException(pair);
    }
    return op;
  }

  /**
   * A put of a whole object the caller already holds ({@code data}, at most one chunk): nothing is sent before
   * {@link #commit}, which writes it on every target in one call each. Members that cannot take it then are handled
   * as members that fail at commit (hints on those that took it).
   */
  static PutOperation whole(String putId, ObjectId id, ByteBuffer data, ClusterSnapshot s, PutContext ctx)
      throws DyadException {
    PairInfo pair = Placement.pairFor(id, s);
    Set<String> lacking = new LinkedHashSet<>(List.of(pair.a(), pair.b()));
    List<Target> targets = new ArrayList<>(2);
    for (String member : Router.writeTargets(pair, s)) {
      targets.add(new Target(member, Router.address(member, s), null));
      lacking.remove(member);
    }
    if (targets.isEmpty()) {
      throw new NoWriterException(pair);
    }
    PutOperation op = new PutOperation(putId, id, pair, s, targets, lacking, List.of(), ctx);
    op.whole = data.duplicate();
    op.crc.update(data.duplicate());
    op.offset = data.remaining();
    return op;
  }

  /** Neither member of the pair took the write (both refused or could not be reached); nothing was begun. */
  static final class NoWriterException extends DyadException {
    private static final long serialVersionUID = 1L;

    NoWriterException(PairInfo pair) {
      super(ErrorCode.UNAVAILABLE, "no member of pair " + pair.id() + " (" + pair.a() + ", " + pair.b()
          + ") can take writes now");
    }
  }

  /** Whether the member's existing copy could be what is being put again (not a tombstone, same length). */
  private static boolean mayBeIdentical(PutContext ctx, HostAndPort node, ObjectId id, long sizeHint, long epoch) {
    try {
      ObjectMeta there = ctx.nodes().localStat(node, id, epoch);
      return !there.tombstone() && (sizeHint < 0 || there.length() == sizeHint);
    } catch (DyadException e) {
      return false;
    }
  }

  @Override
  public String putId() {
    return putId;
  }

  @Override
  public long lastTouchedNanos() {
    return lastTouchedNanos;
  }

  /** Sends one chunk to every live target at once; drops those that fail. */
  void chunk(long chunkOffset, ByteBuffer data) throws DyadException {
    busy.lock();
    try {
      ensureOpen();
      lastTouchedNanos = ctx.ticker().read();
      if (chunkOffset != offset) {
        throw DyadException.invalidArgument("chunk at offset " + chunkOffset + " but put " + putId + " holds " + offset
            + " bytes; chunks must be sent in order, each once");
      }
      List<Target> live = live();
      List<CompletableFuture<DyadException>> sends = new ArrayList<>(live.size());
      for (int i = 0; i < live.size(); i++) {
        Target t = live.get(i);
        Supplier<DyadException> send = () -> append(t, data.duplicate());
        sends.add(i == live.size() - 1 ? CompletableFuture.completedFuture(send.get())
            : CompletableFuture.supplyAsync(send, ctx.fanout()));
      }
      for (int i = 0; i < live.size(); i++) {
        DyadException e = join(sends.get(i));
        if (e != null) {
          dropOrRethrow(live.get(i), e);
        }
      }
      if (live().isEmpty() && preexisting.isEmpty()) {
        abortNow();
        throw new DyadException(ErrorCode.UNAVAILABLE, "put " + putId + " of " + id + ": both members of pair "
            + pair.id() + " failed; nothing was stored");
      }
      crc.update(data.duplicate());
      offset += data.remaining();
    } finally {
      busy.unlock();
      abortIfAsked();
    }
  }

  private DyadException append(Target t, ByteBuffer chunk) {
    try {
      ctx.nodes().append(t.node, t.sessionId, offset, chunk);
      return null;
    } catch (DyadException e) {
      return e;
    }
  }

  /** A target's failure: drop it (degraded write) if it is the member's fault, else end the put. */
  private void dropOrRethrow(Target t, DyadException e) throws DyadException {
    if (Blame.of(e, Blame.Access.WRITE) == Blame.MEMBER) {
      LogLimiter.info(LOG, "degraded-chunk:" + t.member + ":" + e.code(), "put {} of {}: member {} failed ({}); going "
          + "on degraded", putId, id, t.member, e.getMessage());
      t.failed = true;
      lacking.add(t.member);
      return;
    }
    abortNow();
    throw e;
  }

  /**
   * Commits on every live target (with hints for members known to lack the object), then adds hints for members
   * that failed at commit. Ends the put either way.
   */
  ObjectMeta commit(long length, int crc32c) throws DyadException {
    busy.lock();
    boolean acknowledged = false;
    try {
      ensureOpen();
      lastTouchedNanos = ctx.ticker().read();
      if (length != offset) {
        throw DyadException.invalidArgument("commit of " + id + " says " + length + " bytes but " + offset + " were sent");
      }
      if ((int) crc.getValue() != crc32c) {
        throw new DyadException(ErrorCode.CHECKSUM_MISMATCH, String.format(
            "object %s: the %d bytes received have CRC32C %08x but the client sent %08x", id, offset,
            (int) crc.getValue(), crc32c));
      }
      ObjectMeta committed = checkPreexisting();
      List<Target> live = live();
      List<CompletableFuture<Object>> commits = new ArrayList<>();
      for (Target t : live) {
        commits.add(CompletableFuture.supplyAsync(() -> commitOn(t), ctx.fanout()));
      }
      List<String> committedOn = new ArrayList<>(preexisting);
      List<DyadException> failures = new ArrayList<>();
      List<String> failedAtCommit = new ArrayList<>();
      DyadException requestError = null;
      DyadException memberError = null;
      for (int i = 0; i < live.size(); i++) {
        Object r = join(commits.get(i));
        if (r instanceof ObjectMeta m) {
          committed = m;
          committedOn.add(live.get(i).member);
          continue;
        }
        DyadException e = (DyadException) r;
        if (Blame.of(e, Blame.Access.WRITE) == Blame.REQUEST) {
          requestError = e;
        } else {
          memberError = e;
        }
        live.get(i).failed = true;
        failedAtCommit.add(live.get(i).member);
        failures.add(e);
      }
      if (committed == null) {
        throw requestError != null ? requestError : new DyadException(ErrorCode.UNAVAILABLE, "put " + putId + " of "
            + id + ": no member of pair " + pair.id() + " committed; nothing was acknowledged", memberError);
      }
      for (int i = 0; i < failedAtCommit.size(); i++) {
        hintOnSomeone(failedAtCommit.get(i), committedOn, failures.get(i));
      }
      if (committedOn.size() == preexisting.size() + foundIdentical.size()) {
        // no commit carried the hints for the members that lack the object (a repeated put that found its bytes on
        // one member while the other could not take it): record them now, or that member would never get it
        for (String m : List.copyOf(lacking)) {
          if (!failedAtCommit.contains(m)) {
            hintOnSomeone(m, committedOn, new DyadException(ErrorCode.UNAVAILABLE, m + " could not take the put"));
          }
        }
      }
      acknowledged = true;
      return committed;
    } finally {
      if (acknowledged) {
        ended.set(true);
      } else {
        abortNow(); // sessions not committed are dropped now rather than left to expire
      }
      busy.unlock();
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
      ObjectMeta there = ctx.nodes().localStat(Router.address(member, snapshot), id,
          ctx.router().snapshot().epoch());
      if (!identical(there)) {
        throw new DyadException(ErrorCode.ALREADY_EXISTS, "object " + id + " already exists on " + member
            + " with different content");
      }
      found = there;
    }
    return found;
  }

  private boolean identical(ObjectMeta there) {
    return !there.tombstone() && there.length() == offset && there.crc32c() == (int) crc.getValue();
  }

  /** The commit's result on one member: the ObjectMeta, or the DyadException. */
  private Object commitOn(Target t) {
    DyadException last = null;
    for (int attempt = 0; attempt < COMMIT_ATTEMPTS; attempt++) {
      long epoch = ctx.router().snapshot().epoch();
      Routing routing = new Routing(epoch, List.copyOf(lacking));
      try {
        if (whole != null) {
          return ctx.nodes().write(t.node, id, whole.duplicate(), (int) crc.getValue(), routing);
        }
        return ctx.nodes().commit(t.node, t.sessionId, offset, (int) crc.getValue(), routing);
      } catch (StaleEpochException e) {
        last = e; // the session is still open: commit again once our view has caught up
        if (!awaitEpoch(e)) {
          break;
        }
      } catch (DyadException e) {
        return committedAnyway(t, e);
      }
    }
    return last;
  }

  /**
   * After a commit that failed: a repeated put's identical bytes already there count as committed, and so does a
   * commit whose answer was lost (the member has the object now).
   */
  private Object committedAnyway(Target t, DyadException failure) {
    if (failure.code() != ErrorCode.ALREADY_EXISTS && Blame.of(failure, Blame.Access.WRITE) != Blame.MEMBER) {
      return failure;
    }
    try {
      ObjectMeta there = ctx.nodes().localStat(t.node, id, ctx.router().snapshot().epoch());
      if (identical(there)) {
        foundIdentical.add(t.member);
        return there;
      }
    } catch (DyadException ignored) {
      // report the original failure
    }
    return failure;
  }

  private boolean awaitEpoch(StaleEpochException e) {
    try {
      ctx.router().awaitEpoch(e.currentEpoch());
      return true;
    } catch (DyadException timedOut) {
      return false;
    }
  }

  /** Records on a member that holds the object that {@code lackingMember} lacks it; tries each a few times. */
  private void hintOnSomeone(String lackingMember, List<String> holders, DyadException why) throws DyadException {
    DyadException last = null;
    for (int attempt = 0; attempt < HINT_ATTEMPTS; attempt++) {
      for (String h : holders) {
        try {
          long epoch = ctx.router().snapshot().epoch();
          ctx.nodes().addHint(Router.address(h, snapshot), lackingMember, id, epoch);
          LOG.info("put {} of {}: {} lacks it ({}); hint recorded on {}", putId, id, lackingMember,
              why.getMessage(), h);
          return;
        } catch (StaleEpochException e) {
          last = e;
          awaitEpoch(e);
        } catch (DyadException e) {
          last = e;
        }
      }
    }
    LOG.warn("put {} of {}: committed on {} but {} failed at commit and no hint could be recorded; not acknowledged "
        + "(a retry of the put with the same id completes it; the hint is tried again meanwhile)", putId, id, holders,
        lackingMember);
    ctx.pendingHints().add(id, lackingMember, holders);
    throw new DyadException(ErrorCode.UNAVAILABLE, "put " + putId + " of " + id + ": " + lackingMember
        + " failed at commit and no hint could be recorded; not acknowledged (retry the put with the same id)", last);
  }

  /** Ends the put without committing, without waiting for a call in progress (that call cleans up when it ends). */
  @Override
  public void abort() {
    abortRequested = true;
    if (busy.tryLock()) {
      try {
        abortNow();
      } finally {
        busy.unlock();
      }
    }
  }

  private void abortIfAsked() {
    if (abortRequested && busy.tryLock()) {
      try {
        abortNow();
      } finally {
        busy.unlock();
      }
    }
  }

  /** Ends the put: the sessions of live targets are aborted in the background (best effort; they expire anyway). */
  private void abortNow() {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    for (Target t : targets) {
      if (!t.failed && t.sessionId != null) {
        ctx.fanout().execute(() -> {
          try {
            ctx.nodes().abort(t.node, t.sessionId);
          } catch (DyadException e) {
            LOG.debug("put {}: aborting the session on {} failed: {}", putId, t.member, e.getMessage());
          }
        });
      }
    }
  }

  boolean isEnded() {
    return ended.get();
  }

  private void ensureOpen() throws DyadException {
    if (ended.get() || abortRequested) {
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
