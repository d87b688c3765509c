package io.dyad.directory.server;

import com.google.common.base.Ticker;
import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.coordinator.fencing.MemberGate;
import io.dyad.coordinator.model.AdmittedInfo;
import io.dyad.coordinator.model.FailoverInfo;
import io.dyad.coordinator.model.FailoverState;
import io.dyad.coordinator.model.LiveInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.directory.api.PairRoles;
import io.dyad.directory.namespace.NamespaceStore;
import io.dyad.thrift.Applied;
import io.dyad.thrift.Change;
import io.dyad.thrift.ChangeOp;
import io.dyad.thrift.VolumeState;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * The primary's write path: one order for all changes of the pair.
 *
 * <p>For each change it asks for, under one lock: the store decides the change and checks that it applies (writing
 * nothing); the partner applies it (when it must: {@link PairRoles#duty}); then this directory applies it, and only
 * then is it acknowledged. The duplicate applies first so that a change is never on the primary alone: a primary
 * that stops never holds a change its partner lacks.
 *
 * <p>Changes asked for while a group is being committed wait in a queue and are committed together next (group
 * commit): one call to the partner and one synced write on each side for the whole group, each change still with its
 * own number and its own answer: what the change left at its path, decided with it in the group's order, so a later
 * change of the group that removes or replaces that path does not show in it. A request applied before (a retry) gets
 * the answer its change had, which both directories keep with the request.
 *
 * <p>A change the partner did not confirm in time stays <em>in doubt</em>: the partner may hold it. It is sent again
 * (and then applied here) before any other change of its volume is decided, so no other change can take its
 * number. It is dropped only if this directory stops being the primary meanwhile (it then catches up from its
 * partner, whose log says what became of it).
 */
final class Sequencer {
  private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  /** a catching-up partner further behind than this on a volume keeps pulling before it may join */
  static final long MAX_JOIN_GAP = 5_000;

  private final String memberId;
  private final NamespaceStore store;
  private final MemberGate gate;
  private final PartnerLink link;
  private final Clock clock;
  private final Ticker ticker;
  private final Duration patience;
  private final ReentrantLock order = new ReentrantLock(true);
  /** guarded by order */
  private final Map<String, InDoubt> inDoubt = new HashMap<>();
  /** requests waiting for the next group commit */
  private final Queue<Request> queue = new ConcurrentLinkedQueue<>();
  private volatile Joined joined = new Joined("", -1);

  private record InDoubt(List<Change> changes, long term) {}

  private record Joined(String member, long incarnation) {}

  /** A change asked for, answered by whichever thread commits the group it is in. */
  private static final class Request {
    final String volume;
    final ChangeOp op;
    final String requestId;
    final CompletableFuture<Applied> result = new CompletableFuture<>();
    /** set when an earlier request of the same group has the same id: this one gets its answer */
    Request sameAs;

    Request(String volume, ChangeOp op, String requestId) {
      this.volume = volume;
      this.op = op;
      this.requestId = requestId;
    }

    void answer(Applied a) {
      result.complete(a);
    }

    void fail(Throwable e) {
      result.completeExceptionally(e);
    }

    void complete(Applied a, Throwable e) {
      if (e != null) {
        fail(e);
      } else {
        answer(a);
      }
    }

    Applied await() throws DyadException {
      try {
        return result.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DyadException(ErrorCode.UNAVAILABLE, "interrupted while the change was being committed");
      } catch (ExecutionException e) {
        if (e.getCause() instanceof DyadException d) {
          throw d;
        }
        throw new DyadException(ErrorCode.INTERNAL, "the change failed: " + e.getCause(), e.getCause());
      }
    }
  }

  /**
   * @param patience how long a change waits for the partner (and for the lock) before the caller gets UNAVAILABLE
   */
  Sequencer(String memberId, NamespaceStore store, MemberGate gate, PartnerLink link, Clock clock, Duration patience) {
    this(memberId, store, gate, link, clock, Ticker.systemTicker(), patience);
  }

  /**
   * @param clock the wall time a change records (mtimes)
   * @param ticker the time a change's patience runs out by
   */
  Sequencer(String memberId, NamespaceStore store, MemberGate gate, PartnerLink link, Clock clock, Ticker ticker,
      Duration patience) {
    this.memberId = memberId;
    this.store = store;
    this.gate = gate;
    this.link = link;
    this.clock = clock;
    this.ticker = ticker;
    this.patience = patience;
  }

  /**
   * @param requestId the DDM's id for the request ("" for none): a request the volume applied already is answered
   *     from its change, not applied again
   */
  Applied submit(String volume, ChangeOp request, long epoch, String requestId) throws DyadException {
    requirePrimary(gate.checkWrite(epoch));
    long deadline = ticker.read() + patience.toNanos();
    Request mine = new Request(volume, request, requestId);
    queue.add(mine);
    try {
      lock(deadline);
    } catch (DyadException busy) {
      if (queue.remove(mine)) {
        throw busy;
      }
      // a group being committed holds it: its leader answers it in time
    }
    if (order.isHeldByCurrentThread()) {
      try {
        if (!mine.result.isDone()) {
          commitQueued(deadline);
        }
      } finally {
        order.unlock();
      }
    }
    return mine.await();
  }

  /**
   * Group commit: takes every request queued (this thread's own among them), decides them in one pass per volume,
   * sends each volume's changes to the partner in one call, applies them here in one synced write, and answers all.
   * While one group waits for the disks, the next one gathers in the queue.
   */
  private void commitQueued(long deadline) {
    Map<String, List<Request>> byVolume = new LinkedHashMap<>();
    for (Request r = queue.poll(); r != null; r = queue.poll()) {
      byVolume.computeIfAbsent(r.volume, v -> new ArrayList<>()).add(r);
    }
    for (Map.Entry<String, List<Request>> group : byVolume.entrySet()) {
      try {
        commitGroup(group.getKey(), group.getValue(), deadline);
      } catch (DyadException | RuntimeException e) {
        group.getValue().forEach(r -> r.fail(e));
      } finally {
        group.getValue().forEach(r -> r.fail(new DyadException(ErrorCode.INTERNAL, "the change was not committed")));
      }
    }
  }

  private void commitGroup(String volume, List<Request> requests, long deadline) throws DyadException {
    long term = requirePrimary(gate.view().current());
    settle(volume, term, deadline);
    List<Request> deciding = new ArrayList<>();
    Map<String, Request> byId = new HashMap<>();
    for (Request r : requests) {
      Request first = r.requestId.isEmpty() ? null : byId.putIfAbsent(r.requestId, r);
      if (first != null) {
        r.sameAs = first; // the same request sent again while the first was queued
        continue;
      }
      Optional<Applied> done = r.requestId.isEmpty() ? Optional.empty() : store.requestAnswer(volume, r.requestId);
      if (done.isPresent()) {
        r.answer(done.get()); // applied before (perhaps in doubt, settled since): the answer its change had
      } else {
        deciding.add(r);
      }
    }
    long now = clock.millis();
    List<NamespaceStore.Prepared> prepared = store.prepareAll(volume, deciding.stream()
        .map(r -> (NamespaceStore.Decision) current -> Decisions.decide(r.op, current, now)).toList());
    List<Change> changes = new ArrayList<>();
    List<Request> owners = new ArrayList<>();
    List<Applied> answers = new ArrayList<>();
    for (int i = 0; i < deciding.size(); i++) {
      Request r = deciding.get(i);
      NamespaceStore.Prepared p = prepared.get(i);
      if (p.refused() != null) {
        r.fail(p.refused());
        continue;
      }
      if (!r.requestId.isEmpty()) {
        p.change().setRequestId(r.requestId);
      }
      changes.add(p.change());
      owners.add(r);
      answers.add(p.answer());
    }
    if (!changes.isEmpty()) {
      inDoubt.put(volume, new InDoubt(changes, term));
      replicate(changes, deadline);
      store.applyInOrder(volume, changes);
      inDoubt.remove(volume);
      for (int i = 0; i < changes.size(); i++) {
        owners.get(i).answer(answers.get(i)); // decided with its change: later ones of the group do not show
      }
    }
    for (Request r : requests) {
      if (r.sameAs != null) {
        r.sameAs.result.whenComplete((a, e) -> r.complete(a, e));
      }
    }
  }

  /** How many requests wait for the next group commit. */
  int queued() {
    return queue.size();
  }

  /**
   * A catching-up partner asks to be replicated to from now on. The primary sends it what it still lacks (if that
   * is little) and from then on acknowledges no change it does not hold.
   */
  void join(String member, long incarnation, List<VolumeState> theirs, long epoch) throws DyadException {
    ClusterSnapshot s = gate.checkWrite(epoch);
    long term = requirePrimary(s);
    String partner = s.partnerOf(memberId).orElse("");
    if (!partner.equals(member)) {
      throw DyadException.invalidArgument("member " + member + " is not the partner of " + memberId);
    }
    FailoverInfo f = s.failovers().get(member);
    LiveInfo live = s.live().get(member);
    if (f == null || f.state() != FailoverState.RESYNCING || live == null || live.incarnation() != incarnation) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "member " + member + " is not catching up as incarnation "
          + incarnation + " in the view of " + memberId + " (epoch " + s.epoch() + ")");
    }
    Map<String, Long> their = theirs.stream().collect(Collectors.toMap(VolumeState::getVolume, VolumeState::getLastSeq,
        Math::max));
    long deadline = ticker.read() + patience.toNanos();
    lock(deadline);
    try {
      for (String volume : List.copyOf(inDoubt.keySet())) {
        settle(volume, term, deadline);
      }
      List<VolumeState> mine = store.volumeStates();
      for (VolumeState v : mine) {
        long behind = v.getLastSeq() - their.getOrDefault(v.getVolume(), 0L);
        if (behind > MAX_JOIN_GAP) {
          throw new DyadException(ErrorCode.UNAVAILABLE, member + " is " + behind + " changes behind on volume "
              + v.getVolume() + "; it pulls more before it joins");
        }
      }
      HostAndPort address = addressOf(s, member);
      for (VolumeState v : mine) {
        long theirLast = their.getOrDefault(v.getVolume(), 0L);
        if (theirLast < v.getLastSeq()) {
          link.fill(address, v.getVolume(), theirLast, List.of(), s.epoch());
        }
      }
      joined = new Joined(member, incarnation);
    } finally {
      order.unlock();
    }
  }

  /** Sends an in-doubt change of the volume again and applies it here, or drops it if the term changed. */
  private void settle(String volume, long term, long deadline) throws DyadException {
    InDoubt d = inDoubt.get(volume);
    if (d == null) {
      return;
    }
    if (d.term() != term) {
      inDoubt.remove(volume);
      return;
    }
    replicate(d.changes(), deadline);
    store.applyInOrder(volume, d.changes());
    inDoubt.remove(volume);
  }

  /** Gets the changes to the partner if it must hold them first; waits (up to the deadline) while that is unsure. */
  private void replicate(List<Change> changes, long deadline) throws DyadException {
    DyadException last = null;
    while (true) {
      gate.requireWriteLease();
      ClusterSnapshot s = gate.view().current();
      requirePrimary(s);
      String partner = s.partnerOf(memberId).orElseThrow(() -> new DyadException(ErrorCode.INTERNAL,
          memberId + " has no partner in the cluster view"));
      Joined j = joined;
      PairRoles.PartnerDuty duty = PairRoles.duty(s, partner, j.member().equals(partner) ? j.incarnation() : -1);
      if (duty == PairRoles.PartnerDuty.ALONE) {
        return;
      }
      if (duty == PairRoles.PartnerDuty.REPLICATE) {
        try {
          link.send(addressOf(s, partner), changes, s.epoch());
          return;
        } catch (DyadException e) {
          last = e;
        }
      }
      if (ticker.read() - deadline > 0) {
        String why = duty == PairRoles.PartnerDuty.WAIT
            ? "its partner " + partner + " neither serves nor is failed over yet (the coordinator decides)"
            : "its partner " + partner + " did not confirm it (" + (last == null ? "no answer" : last.getMessage()) + ")";
        Change first = changes.get(0);
        throw new DyadException(ErrorCode.UNAVAILABLE, "change " + first.getSeq()
            + (changes.size() > 1 ? "-" + changes.get(changes.size() - 1).getSeq() : "") + " of volume "
            + first.getVolume() + " is not acknowledged: " + why + "; it is completed before the volume's next change");
      }
      LockSupport.parkNanos(PAUSE_NANOS);
    }
  }

  /** @return this member's admission epoch: the term in which it is primary */
  private long requirePrimary(ClusterSnapshot s) throws DyadException {
    if (!PairRoles.isPrimary(s, memberId)) {
      String primary = s.pairOf(memberId).flatMap(p -> PairRoles.primary(s, p)).orElse("none");
      throw new DyadException(ErrorCode.UNAVAILABLE, memberId + " is not the primary of its pair at epoch "
          + s.epoch() + " (the primary is " + primary + "); send changes there");
    }
    AdmittedInfo a = s.admitted().get(memberId);
    return a.epoch();
  }

  private void lock(long deadline) throws DyadException {
    try {
      if (!order.tryLock(Math.max(0, deadline - ticker.read()), TimeUnit.NANOSECONDS)) {
        throw new DyadException(ErrorCode.UNAVAILABLE, memberId + " is busy: earlier changes wait for its partner");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DyadException(ErrorCode.UNAVAILABLE, memberId + " is shutting down");
    }
  }

  static HostAndPort addressOf(ClusterSnapshot s, String member) throws DyadException {
    var m = s.members().get(member);
    if (m == null) {
      throw new DyadException(ErrorCode.INTERNAL, "member " + member + " is not declared in the cluster view");
    }
    return HostAndPort.fromString(m.address());
  }
}
