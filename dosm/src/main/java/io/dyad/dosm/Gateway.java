package io.dyad.dosm;

import com.google.common.net.HostAndPort;
import io.dyad.common.Blame;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.common.Presence;
import io.dyad.common.Routing;
import io.dyad.common.StaleEpochException;
import io.dyad.coordinator.model.MemberInfo;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.rpc.server.CallContext;
import io.dyad.rpc.server.ReplyBuffers;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DOSM's object operations, in Dyad's own types: puts (through {@link PutOperation}), reads (through
 * {@link ObjectReader}), deletes, and locate. Thread-safe.
 */
final class Gateway {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  private static final int ATTEMPTS = 3;

  private final int maxChunkBytes;
  private final PutContext ctx;
  private final ObjectSearch search;
  private final LocationCache locations;
  private final PutSessions puts;
  private final ObjectReader reader;

  Gateway(int maxChunkBytes, PutContext ctx, ObjectSearch search, LocationCache locations, PutSessions puts) {
    this.maxChunkBytes = maxChunkBytes;
    this.ctx = ctx;
    this.search = search;
    this.locations = locations;
    this.puts = puts;
    this.reader = new ObjectReader(ctx.nodes(), search, locations, ctx.router());
  }

  int maxChunkBytes() {
    return maxChunkBytes;
  }

  ClusterSnapshot snapshot() {
    return ctx.router().snapshot();
  }

  /** How long a put waits for a pair none of whose members takes writes right now. */
  static final java.time.Duration NO_WRITER_PATIENCE = java.time.Duration.ofSeconds(2);
  private static final java.time.Duration NO_WRITER_PAUSE = java.time.Duration.ofMillis(100);

  PutOperation beginPut(long sizeHint, Optional<ObjectId> requested) throws DyadException {
    if (sizeHint < -1) {
      throw DyadException.invalidArgument("size hint must be -1 (unknown) or a length, was " + sizeHint);
    }
    Optional<CallContext> caller = CallContext.current();
    puts.checkRoom(caller);
    ObjectId id = requested.orElseGet(ObjectId::random);
    String putId = UUID.randomUUID().toString();
    return whileThePairSettles("starting a put", snapshot -> {
      if (requested.isPresent()) {
        DeletedIdGuard.refuseIfDeletedBefore(id, snapshot, ctx);
      }
      PutOperation op = PutOperation.begin(putId, id, sizeHint, snapshot, ctx);
      puts.add(op, caller);
      return op;
    });
  }

  /** Stores a whole object (at most one chunk) on both members, each in one call. */
  ObjectMeta putObject(Optional<ObjectId> requested, ByteBuffer data, int crc32c) throws DyadException {
    if (data.remaining() > maxChunkBytes) {
      throw DyadException.invalidArgument("object of " + data.remaining() + " bytes exceeds the limit of "
          + maxChunkBytes + " bytes for putObject; use beginPut, putChunk and commitPut");
    }
    ObjectId id = requested.orElseGet(ObjectId::random);
    String putId = UUID.randomUUID().toString();
    return whileThePairSettles("storing an object", snapshot -> {
      if (requested.isPresent()) {
        DeletedIdGuard.refuseIfDeletedBefore(id, snapshot, ctx);
      }
      return PutOperation.whole(putId, id, data, snapshot, ctx).commit(data.remaining(), crc32c);
    });
  }

  @FunctionalInterface
  private interface PairWrite<T> {
    T run(ClusterSnapshot snapshot) throws DyadException;
  }

  /**
   * Runs a put's start under the current view, again under a newer one when a member knew a newer epoch, and again
   * for a little while when neither member takes writes right now (their leases lapsed while ZooKeeper was away,
   * say: they confirm again within a second or two of its return), rather than failing the put at once.
   */
  private <T> T whileThePairSettles(String what, PairWrite<T> write) throws DyadException {
    long noWriterDeadline = ctx.ticker().read() + NO_WRITER_PATIENCE.toNanos();
    for (int attempt = 0; ; attempt++) {
      try {
        return write.run(ctx.router().snapshot());
      } catch (StaleEpochException e) {
        if (attempt + 1 >= ATTEMPTS) {
          throw new DyadException(ErrorCode.UNAVAILABLE, "the cluster changed repeatedly while " + what + "; retry", e);
        }
        ctx.router().awaitEpoch(e.currentEpoch());
      } catch (PutOperation.NoWriterException e) {
        if (ctx.ticker().read() - noWriterDeadline > 0) {
          throw e;
        }
        java.util.concurrent.locks.LockSupport.parkNanos(NO_WRITER_PAUSE.toNanos());
      }
    }
  }

  void putChunk(String putId, long offset, ByteBuffer data) throws DyadException {
    if (data.remaining() > maxChunkBytes) {
      throw DyadException.invalidArgument("chunk of " + data.remaining() + " bytes exceeds the limit of "
          + maxChunkBytes + " bytes");
    }
    PutOperation op = puts.get(putId);
    try {
      op.chunk(offset, data);
    } finally {
      if (op.isEnded()) {
        puts.remove(op);
      }
    }
  }

  ObjectMeta commitPut(String putId, long length, int crc32c) throws DyadException {
    PutOperation op = puts.get(putId);
    puts.remove(op);
    return op.commit(length, crc32c);
  }

  void abortPut(String putId) {
    try {
      PutOperation op = puts.get(putId);
      puts.remove(op);
      op.abort();
    } catch (DyadException unknown) {
      // aborting an unknown put is not an error
    }
  }

  /** A verified range, in a buffer leased from {@code buffers} (valid until the reply is written). */
  ByteBuffer get(ObjectId id, long offset, int length, ReplyBuffers buffers) throws DyadException {
    if (offset < 0 || length < 0 || length > maxChunkBytes) {
      throw DyadException.invalidArgument("read of " + length + " bytes at offset " + offset
          + " is not allowed (the chunk limit is " + maxChunkBytes + " bytes)");
    }
    // the reply buffer first: the budget bounds the node replies in memory too, not only ours
    ByteBuffer out = buffers.lease(length);
    return reader.onSomeCopy(id, (client, epoch, local) -> {
      ByteBuffer shared = local ? client.localReadShared(id, offset, length, epoch)
          : client.readShared(id, offset, length, epoch);
      return out.clear().put(shared).flip();
    });
  }

  /** An object's record and the address of the node whose copy answered (empty: read it through this DOSM). */
  record ReadPlan(ObjectMeta meta, Optional<HostAndPort> node) {}

  /**
   * As {@link #stat}, also naming the serving node that answered, for a client's direct read. A copy found only on a
   * member that does not serve reads (its partner's own copy, while it catches up) is read through the DOSM.
   */
  ReadPlan openRead(ObjectId id) throws DyadException {
    ReadPlan plan = reader.onSomeCopy(id, (client, epoch, local) -> new ReadPlan(
        local ? client.localStat(id, epoch) : client.stat(id, epoch),
        local ? Optional.empty() : Optional.of(client.target())), true);
    if (plan.meta().tombstone()) {
      throw DyadException.notFound("object " + id + " was deleted");
    }
    return plan;
  }

  ObjectMeta stat(ObjectId id) throws DyadException {
    return openRead(id).meta();
  }

  /** A tombstone on every member that takes writes, hints for the others. */
  ObjectMeta delete(ObjectId id) throws DyadException {
    for (int attempt = 0; ; attempt++) {
      try {
        return deleteOnce(id, ctx.router().snapshot());
      } catch (StaleEpochException e) {
        if (attempt + 1 >= ATTEMPTS) {
          throw new DyadException(ErrorCode.UNAVAILABLE, "the cluster changed repeatedly while deleting " + id, e);
        }
        ctx.router().awaitEpoch(e.currentEpoch());
      }
    }
  }

  private ObjectMeta deleteOnce(ObjectId id, ClusterSnapshot s) throws DyadException {
    PairInfo pair = Placement.pairFor(id, s);
    List<String> targets = Router.writeTargets(pair, s);
    Set<String> lacking = new LinkedHashSet<>(List.of(pair.a(), pair.b()));
    lacking.removeAll(targets);
    Routing routing = new Routing(s.epoch(), List.copyOf(lacking));
    ObjectMeta tombstone = null;
    List<String> done = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    DyadException last = null;
    for (String member : targets) {
      HostAndPort node = Router.address(member, s);
      try {
        tombstone = ctx.nodes().delete(node, id, routing);
        done.add(member);
      } catch (DyadException e) {
        if (Blame.of(e, Blame.Access.WRITE) != Blame.MEMBER) {
          throw e;
        }
        ctx.nodes().forget(node);
        failed.add(member);
        last = e;
      }
    }
    if (tombstone == null) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "no member of pair " + pair.id() + " could record the delete of "
          + id, last);
    }
    for (String member : failed) {
      hint(member, id, done, s);
    }
    locations.forget(id);
    return tombstone;
  }

  private void hint(String lackingMember, ObjectId id, List<String> holders, ClusterSnapshot s) throws DyadException {
    for (String h : holders) {
      try {
        ctx.nodes().addHint(Router.address(h, s), lackingMember, id, s.epoch());
        return;
      } catch (DyadException e) {
        LOG.warn("could not record on {} that {} lacks {}: {}", h, lackingMember, id, e.getMessage());
      }
    }
    ctx.pendingHints().add(id, lackingMember, holders);
    throw new DyadException(ErrorCode.UNAVAILABLE, "the delete of " + id + " reached only " + holders
        + " and no hint could be recorded for " + lackingMember + " yet; retry the delete");
  }

  /** Every member known to hold the object or its tombstone. */
  Locations locate(ObjectId id) throws DyadException {
    ClusterSnapshot s = ctx.router().snapshot();
    PairInfo pair = Placement.pairFor(id, s);
    List<Locations.Location> out = new ArrayList<>();
    Set<String> asked = new HashSet<>();
    for (String member : new String[] {pair.a(), pair.b()}) {
      asked.add(member);
      MemberInfo m = s.members().get(member);
      if (m == null || !s.isLive(member)) {
        continue;
      }
      try {
        Presence p = ctx.nodes().has(HostAndPort.fromString(m.address()), id, 0);
        if (p != Presence.ABSENT) {
          out.add(new Locations.Location(member, m.address(), m.center(), p, "placement"));
        }
      } catch (DyadException e) {
        LOG.debug("locate {}: {} did not answer: {}", id, member, e.getMessage());
      }
    }
    try {
      for (String center : s.cluster().map(c -> c.centers().keySet()).orElse(Set.of())) {
        for (ObjectSearch.Found f : search.search(id, center, s, asked, false)) {
          MemberInfo m = s.members().get(f.member());
          out.add(new Locations.Location(f.member(), m.address(), m.center(), f.state(), "search"));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DyadException(ErrorCode.UNAVAILABLE, "interrupted while locating " + id, e);
    }
    return new Locations(id, pair.id(), out);
  }
}
