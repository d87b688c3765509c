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
 * every client read starts with) also asks the answering member's partner for a tombstone. When a serving member
 * lacks the object, the pair's other members that are up but serve no reads now (catching up, registered again and
 * not done collecting their hints) are asked for their own copy: a tombstone there means deleted, and an object
 * there is read from it — what the pair acknowledged with a hint for the serving member, before it collected the
 * hint. NotFound is the answer only when every member of the pair that is not failed over said it lacks the object:
 * a member down but not yet failed over, or unable to answer, may hold what its partner lacks, so the read is then
 * UNAVAILABLE. A member that answers StaleEpoch makes the DOSM wait for its view to catch up and start again.
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
    if (outcome.someoneAnswered) {
      // a serving member lacks it and holds no tombstone for it. The pair's other members that are up but could not
      // serve the read (catching up, just registered again, not yet admitted) may hold in their own copy what the
      // pair acknowledged with a hint for the serving one, not collected yet
      for (String member : pairMembers(pair)) {
        if (outcome.lacking.contains(member) || !s.isLive(member)) {
          continue;
        }
        asked.add(member);
        Optional<Presence> there = presenceAnswer(member, id, s);
        if (there.isEmpty()) {
          continue;
        }
        if (there.get() == Presence.DELETED) {
          throw deleted(id);
        }
        if (there.get() == Presence.ABSENT) {
          outcome.lacking.add(member);
          continue;
        }
        Optional<T> r = tryMember(member, id, call, true, s, outcome);
        if (r.isPresent()) {
          LOG.info("object {} read from {}'s own copy: it serves no reads now, and {} lacks the object", id, member,
              serving);
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
    List<String> unanswered = mustAnswerForNotFound(pair, s).stream()
        .filter(m -> !outcome.lacking.contains(m)).toList();
    if (outcome.someoneAnswered && unanswered.isEmpty()) {
      throw DyadException.notFound("object " + id + " does not exist");
    }
    if (outcome.someoneAnswered) {
      // one member lacks it, but the other could not be asked: it may hold what the pair acknowledged with a hint
      throw new DyadException(ErrorCode.UNAVAILABLE, "object " + id + " is not on " + outcome.lacking + " and "
          + unanswered + " of its pair " + pair.id() + " could not be asked whether it holds it; retry",
          outcome.lastError);
    }
    throw new DyadException(ErrorCode.UNAVAILABLE, "no copy of object " + id + " could be reached (pair "
        + pair.id() + ": " + pair.a() + ", " + pair.b() + ")", outcome.lastError);
  }

  private static List<String> pairMembers(PairInfo pair) {
    List<String> out = new ArrayList<>(2);
    for (String m : new String[] {pair.a(), pair.b()}) {
      if (m != null) {
        out.add(m);
      }
    }
    return out;
  }

  /**
   * The members whose answer a NotFound needs: each member of the pair that the coordinator has not failed over. Each
   * holds every acknowledged object but those the pair took with a hint for it on its partner, so one member's miss
   * is not enough while its partner, not failed over, could not be asked (down but not yet declared so, or unable to
   * answer now). A member failed over or catching up is not needed: its serving partner took every write since.
   */
  static List<String> mustAnswerForNotFound(PairInfo pair, ClusterSnapshot s) {
    return pairMembers(pair).stream().filter(m -> s.failover(m).isEmpty()).toList();
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
    /** members of the pair that answered they lack the object (no copy, no tombstone) */
    final Set<String> lacking = new HashSet<>();
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
          outcome.lacking.add(member);
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
    return presenceAnswer(member, id, s).orElse(Presence.ABSENT);
  }

  /** What a member itself holds of the object; empty if it cannot tell now. */
  private Optional<Presence> presenceAnswer(String member, ObjectId id, ClusterSnapshot s) {
    try {
      HostAndPort node = Router.address(member, s);
      return Optional.of(nodes.has(node, id, s.epoch()));
    } catch (DyadException e) {
      LOG.debug("{} could not tell whether it holds {}: {}", member, id, e.getMessage());
      return Optional.empty();
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
