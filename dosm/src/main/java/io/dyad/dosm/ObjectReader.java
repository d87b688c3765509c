package io.dyad.dosm;

import com.google.common.net.HostAndPort;
import io.dyad.common.Blame;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.Presence;
import io.dyad.common.StaleEpochException;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a read-side call (read a range, stat) against whichever copy of an object can answer:
 *
 * <ol>
 *   <li>the members of its pair that serve, the pair's first member first — on a connection error, timeout
 *       or checksum error the next one is tried at once, without waiting for ZooKeeper;
 *   <li>if neither has it: where this DOSM last found it, then a search of the storage centers — the second
 *       member's center first, then the first's (claims 7, 8, 17, 18) — by multicast or point-to-point.
 * </ol>
 * A tombstone anywhere ends the search: a deleted object is never read back from a stale copy — a stat (which
 * every client read starts with) also asks the answering member's partner for a tombstone. While only one
 * member of the pair serves and its partner is up (catching up), the partner's own copy is consulted too: a
 * tombstone there means deleted, and an object there that the serving member lacks is read from the partner's
 * copy — what the pair acknowledged with a hint for the serving member, before it collected the hint. A member
 * that answers StaleEpoch makes the DOSM wait for its view to catch up and start again.
 */
final class ObjectReader {
  private static final Logger LOG = LoggerFactory.getLogger(ObjectReader.class);
  private static final int ATTEMPTS = 3;

  /**
   * A call against one member's connection; the result must not alias the connection's buffers. {@code local}: ask
   * for the member's own copy, which it answers in any failover state (localStat, localRead).
   */
  @FunctionalInterface
  interface NodeCall<T> {
    T call(NodeLink.Reads node, long epoch, boolean local) throws DyadException;
  }

  private final NodeLink nodes;
  private final ObjectSearch search;
  private final LocationCache locations;
  private final Router router;

  ObjectReader(NodeLink nodes, ObjectSearch search, LocationCache locations, Router router) {
    this.nodes = nodes;
    this.search = search;
    this.locations = locations;
    this.router = router;
  }

  <T> T onSomeCopy(ObjectId id, NodeCall<T> call) throws DyadException {
    return onSomeCopy(id, call, false);
  }

  /**
   * @param confirmDeletes before answering from a copy, ask its partner (if up) whether it holds a tombstone: a
   *     delete the pair acknowledged with a hint for the answering member is not undone by its stale copy. Used for
   *     stat, which every client read starts with: one lookup more per object read
   */
  <T> T onSomeCopy(ObjectId id, NodeCall<T> call, boolean confirmDeletes) throws DyadException {
    StaleEpochException stale = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (stale != null) {
        router.awaitEpoch(stale.currentEpoch());
      }
      try {
        return attempt(id, call, confirmDeletes, router.snapshot());
      } catch (StaleEpochException e) {
        stale = e;
      }
    }
    throw new DyadException(ErrorCode.UNAVAILABLE, "the cluster changed repeatedly while reading " + id + "; retry");
  }

  private <T> T attempt(ObjectId id, NodeCall<T> call, boolean confirmDeletes, ClusterSnapshot s)
      throws DyadException {
    PairInfo pair = Placement.pairFor(id, s);
    Set<String> asked = new HashSet<>();
    Outcome outcome = new Outcome();
    List<String> serving = Router.readOrder(pair, s);
    Optional<String> witness = witness(pair, serving, s);
    for (String member : serving) {
      asked.add(member);
      Optional<T> r = tryMember(member, id, call, false, s, outcome);
      if (r.isPresent()) {
        String partner = pair.partnerOf(member);
        boolean confirm = witness.isPresent() || (confirmDeletes && partner != null && s.isLive(partner));
        if (confirm && presenceOn(partner, id, s) == Presence.DELETED) {
          throw deleted(id); // this copy predates a delete its partner took (with a hint for it not collected yet)
        }
        return r.get();
      }
      if (outcome.deleted) {
        throw deleted(id);
      }
    }
    if (witness.isPresent() && outcome.someoneAnswered) {
      // the only serving member lacks it; its partner, still catching up, may hold what the pair acknowledged
      // while the serving one was away (a write with a hint for it not collected yet)
      asked.add(witness.get());
      Presence there = presenceOn(witness.get(), id, s);
      if (there == Presence.DELETED) {
        throw deleted(id);
      }
      if (there == Presence.PRESENT) {
        Optional<T> r = tryMember(witness.get(), id, call, true, s, outcome);
        if (r.isPresent()) {
          LOG.info("object {} read from {}'s own copy: {} serves but lacks it", id, witness.get(), serving.get(0));
          return r.get();
        }
      }
    }
    Optional<String> cached = locations.get(id);
    if (cached.isPresent() && !asked.contains(cached.get()) && s.isServing(cached.get())) {
      asked.add(cached.get());
      Optional<T> r = tryMember(cached.get(), id, call, false, s, outcome);
      if (r.isPresent()) {
        return r.get();
      }
      locations.forget(id);
    }
    for (String center : searchOrder(pair, s)) {
      List<ObjectSearch.Found> found = searchCenter(id, center, s, asked);
      for (ObjectSearch.Found f : found) {
        asked.add(f.member());
        if (f.state() == Presence.DELETED) {
          throw deleted(id);
        }
        Optional<T> r = tryMember(f.member(), id, call, false, s, outcome);
        if (r.isPresent()) {
          locations.put(id, f.member());
          LOG.info("object {} found by {} search on {} (its pair is {})", id, search.mode(), f.member(), pair.id());
          return r.get();
        }
      }
    }
    if (outcome.someoneAnswered) {
      throw DyadException.notFound("object " + id + " does not exist");
    }
    throw new DyadException(ErrorCode.UNAVAILABLE, "no copy of object " + id + " could be reached (pair "
        + pair.id() + ": " + pair.a() + ", " + pair.b() + ")", outcome.lastError);
  }

  /** The partner's center first, then the first member's (claims 7-8): the order of the search. */
  static List<String> searchOrder(PairInfo pair, ClusterSnapshot s) {
    LinkedHashSet<String> centers = new LinkedHashSet<>();
    String first = Router.centerOf(pair.a(), s);
    String second = Router.centerOf(pair.b(), s);
    if (second != null) {
      centers.add(second);
    }
    if (first != null) {
      centers.add(first);
    }
    return new ArrayList<>(centers);
  }

  private List<ObjectSearch.Found> searchCenter(ObjectId id, String center, ClusterSnapshot s, Set<String> asked)
      throws DyadException {
    try {
      return search.search(id, center, s, asked, true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DyadException(ErrorCode.UNAVAILABLE, "interrupted while searching for " + id, e);
    }
  }

  /** What the members asked so far said. */
  private static final class Outcome {
    boolean someoneAnswered;
    boolean deleted;
    DyadException lastError;
  }

  /**
   * Runs the call on one member. Empty if that member cannot answer now (the next copy is tried) or does not have
   * the object; a wrong request (InvalidArgument: a range past the end, say) is the caller's and is thrown at once,
   * as is StaleEpoch (the read starts again under a fresh view).
   */
  private <T> Optional<T> tryMember(String member, ObjectId id, NodeCall<T> call, boolean local, ClusterSnapshot s,
      Outcome outcome) throws DyadException {
    HostAndPort node = Router.address(member, s);
    try {
      return Optional.of(nodes.read(node, c -> call.call(c, s.epoch(), local)));
    } catch (DyadException e) {
      switch (Blame.of(e, Blame.Access.READ)) {
        case ROUTER:
          throw e;
        case REQUEST:
          if (e.code() != ErrorCode.NOT_FOUND) {
            throw e;
          }
          outcome.someoneAnswered = true;
          outcome.deleted = presenceOn(member, id, s) == Presence.DELETED;
          return Optional.empty();
        default:
          // unreachable, timed out, corrupt copy, fenced: try the next copy at once
          if (e.code() == ErrorCode.UNAVAILABLE) {
            nodes.forget(node);
          }
          outcome.lastError = e;
          LOG.debug("reading {} from {} failed ({}); trying the next copy", id, member, e.getMessage());
          return Optional.empty();
      }
    }
  }

  /** What a member itself holds of the object (answered in any failover state); ABSENT if it cannot tell now. */
  private Presence presenceOn(String member, ObjectId id, ClusterSnapshot s) {
    try {
      HostAndPort node = Router.address(member, s);
      return nodes.has(node, id, s.epoch());
    } catch (DyadException e) {
      return Presence.ABSENT;
    }
  }

  /**
   * When exactly one member of the pair serves and its partner is up but not serving (catching up, or a new
   * incarnation), the partner: its own copy decides what the serving one cannot know yet.
   */
  private static Optional<String> witness(PairInfo pair, List<String> serving, ClusterSnapshot s) {
    if (serving.size() != 1) {
      return Optional.empty();
    }
    String partner = pair.partnerOf(serving.get(0));
    return partner != null && s.isLive(partner) ? Optional.of(partner) : Optional.empty();
  }

  private static DyadException deleted(ObjectId id) {
    return DyadException.notFound("object " + id + " was deleted");
  }
}
