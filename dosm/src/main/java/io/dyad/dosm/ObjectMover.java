package io.dyad.dosm;

import com.google.common.util.concurrent.RateLimiter;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import io.dyad.common.Presence;
import io.dyad.common.Routing;
import io.dyad.common.WriteSessionInfo;
import io.dyad.coordinator.model.PairInfo;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.rpc.ConnectionPool;
import io.dyad.rpc.StorageNodeClient;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the objects of one inventory page from the pair that holds them to the pair placement names now: each object
 * (or tombstone) is put on both members of its new pair first, and only then are the old pair's copies removed, so
 * that at every moment some pair holds it and a search finds it. A delete wins over a copy: if any member of either
 * pair holds a tombstone for the id, the new pair gets tombstones, never the object.
 *
 * <p>The caller makes sure every member involved serves; every request carries the epoch of the snapshot it was
 * decided from, so a member that knows a newer one refuses it and the page is tried again under a fresh view.
 */
final class ObjectMover {
  private static final Logger LOG = LoggerFactory.getLogger(ObjectMover.class);
  /** Objects up to this size are copied in one call; bigger ones through a write session, a chunk at a time. */
  private static final int CHUNK_BYTES = 1024 * 1024;

  private final ConnectionPool<StorageNodeClient> pool;
  private final RateLimiter bytesPerSecond;

  /** What one page came to: copies removed from the old pair, bytes copied, copies kept. */
  record PageResult(int moved, long movedBytes, int kept) {}

  ObjectMover(ConnectionPool<StorageNodeClient> pool, RateLimiter bytesPerSecond) {
    this.pool = pool;
    this.bytesPerSecond = bytesPerSecond;
  }

  /**
   * Moves whatever in {@code entries} (the inventory of {@code member}) belongs to another pair under {@code s}.
   *
   * @param keepGoing checked before each object: when it turns false (the DOSM stops) the page is abandoned with
   *     UNAVAILABLE; what it had copied is found again, and finished, when the page is read again
   */
  PageResult movePage(List<ObjectMeta> entries, String member, ClusterSnapshot s, BooleanSupplier keepGoing)
      throws DyadException {
    PairInfo from = s.pairOf(member).orElseThrow(() -> new DyadException(ErrorCode.INTERNAL,
        "member " + member + " is in no pair"));
    List<ObjectMeta> placed = new ArrayList<>();
    long bytes = 0;
    int kept = 0;
    for (ObjectMeta e : entries) {
      if (!keepGoing.getAsBoolean()) {
        throw new DyadException(ErrorCode.UNAVAILABLE, "the rebalancer is stopping; the page is read again later");
      }
      PairInfo to = Placement.pairFor(e.id(), s);
      if (to.id().equals(from.id())) {
        continue;
      }
      Optional<ObjectMeta> there = place(e, member, from, to, s);
      if (there.isEmpty()) {
        kept++;
        continue;
      }
      placed.add(there.get());
      bytes += there.get().tombstone() ? 0 : e.length();
    }
    if (!placed.isEmpty()) {
      for (String m : List.of(from.a(), from.b())) {
        on(m, s, ConnectionPool.Retry.SAFE, c -> c.dropMoved(placed, s.epoch()));
      }
    }
    return new PageResult(placed.size(), bytes, kept);
  }

  /**
   * Puts {@code e} (held by {@code member} of {@code from}) on both members of {@code to}. Returns what {@code to}
   * holds now, or empty if it holds another object under the same id (then nothing is removed here).
   */
  private Optional<ObjectMeta> place(ObjectMeta e, String member, PairInfo from, PairInfo to, ClusterSnapshot s)
      throws DyadException {
    ObjectId id = e.id();
    List<String> targets = List.of(to.a(), to.b());
    if (e.tombstone() || presence(from.partnerOf(member), id, s) == Presence.DELETED) {
      return Optional.of(tombstoneOn(targets, id, s));
    }
    // each target asked once: a tombstone there means deleted; what is absent gets the copy
    List<String> lacking = new ArrayList<>(2);
    for (String t : targets) {
      Presence there = presence(t, id, s);
      if (there == Presence.DELETED) {
        return Optional.of(tombstoneOn(targets, id, s));
      }
      if (there == Presence.ABSENT) {
        lacking.add(t);
      }
    }
    if (!lacking.isEmpty()) {
      copy(e, member, lacking, s);
    }
    for (String t : targets) {
      ObjectMeta held = on(t, s, ConnectionPool.Retry.SAFE, c -> c.localStat(id, s.epoch()));
      if (held.tombstone()) {
        // a client deleted it on the new pair meanwhile: the delete wins on both members
        return Optional.of(tombstoneOn(targets, id, s));
      }
      if (held.length() != e.length() || held.crc32c() != e.crc32c()) {
        LOG.warn("object {} on {} ({} bytes, crc {}) differs from the copy on {} ({} bytes, crc {}); both kept",
            id, t, held.length(), held.crc32c(), member, e.length(), e.crc32c());
        return Optional.empty();
      }
    }
    return Optional.of(e);
  }

  private ObjectMeta tombstoneOn(List<String> targets, ObjectId id, ClusterSnapshot s) throws DyadException {
    ObjectMeta last = null;
    for (String t : targets) {
      last = on(t, s, ConnectionPool.Retry.SAFE, c -> c.delete(id, Routing.at(s.epoch())));
    }
    return new ObjectMeta(id, 0, 0, true, last.writtenAtMillis());
  }

  private Presence presence(String member, ObjectId id, ClusterSnapshot s) throws DyadException {
    return on(member, s, ConnectionPool.Retry.SAFE, c -> c.has(id, s.epoch()));
  }

  /**
   * Copies {@code e} from {@code source} to each of {@code targets}, reading each chunk once. A target where the
   * object appeared meanwhile is left as it is (the check after the copy decides); any other failure aborts the
   * copy, and the page is tried again later.
   */
  private void copy(ObjectMeta e, String source, List<String> targets, ClusterSnapshot s) throws DyadException {
    ObjectId id = e.id();
    Routing routing = Routing.at(s.epoch());
    if (e.length() <= CHUNK_BYTES) {
      ByteBuffer data = readChunk(source, id, 0, (int) e.length(), s);
      for (String t : targets) {
        unlessAlreadyThere(() -> on(t, s, ConnectionPool.Retry.NEVER,
            c -> c.write(id, data.duplicate(), e.crc32c(), routing)));
      }
      return;
    }
    Map<String, WriteSessionInfo> sessions = new LinkedHashMap<>();
    try {
      int chunk = CHUNK_BYTES;
      for (String t : targets) {
        unlessAlreadyThere(() -> sessions.put(t, on(t, s, ConnectionPool.Retry.NEVER,
            c -> c.begin(id, e.length(), routing))));
      }
      for (WriteSessionInfo session : sessions.values()) {
        chunk = Math.min(chunk, session.maxChunkBytes());
      }
      for (long offset = 0; offset < e.length() && !sessions.isEmpty(); offset += chunk) {
        long at = offset;
        ByteBuffer data = readChunk(source, id, at, (int) Math.min(chunk, e.length() - at), s);
        for (Map.Entry<String, WriteSessionInfo> t : sessions.entrySet()) {
          on(t.getKey(), s, ConnectionPool.Retry.NEVER, c -> {
            c.append(t.getValue().sessionId(), at, data.duplicate());
            return null;
          });
        }
      }
      for (Map.Entry<String, WriteSessionInfo> t : List.copyOf(sessions.entrySet())) {
        unlessAlreadyThere(() -> on(t.getKey(), s, ConnectionPool.Retry.NEVER,
            c -> c.commit(t.getValue().sessionId(), e.length(), e.crc32c(), routing)));
        sessions.remove(t.getKey());
      }
    } finally {
      sessions.forEach((t, session) -> abortQuietly(t, session, s));
    }
  }

  @FunctionalInterface
  private interface Write {
    void run() throws DyadException;
  }

  /** Runs a write; ALREADY_EXISTS (a client or an earlier copy put the id there meanwhile) is not a failure. */
  private static void unlessAlreadyThere(Write write) throws DyadException {
    try {
      write.run();
    } catch (DyadException e) {
      if (e.code() != ErrorCode.ALREADY_EXISTS) {
        throw e;
      }
    }
  }

  private ByteBuffer readChunk(String source, ObjectId id, long offset, int length, ClusterSnapshot s)
      throws DyadException {
    bytesPerSecond.acquire(Math.max(1, length));
    return on(source, s, ConnectionPool.Retry.SAFE, c -> c.read(id, offset, length, s.epoch()));
  }

  private void abortQuietly(String target, WriteSessionInfo session, ClusterSnapshot s) {
    try {
      on(target, s, ConnectionPool.Retry.NEVER, c -> {
        c.abort(session.sessionId());
        return null;
      });
    } catch (DyadException e) {
      LOG.debug("aborting write session {} on {} failed; the node expires it", session.sessionId(), target, e);
    }
  }

  private <T> T on(String member, ClusterSnapshot s, ConnectionPool.Retry retry,
      ConnectionPool.Call<StorageNodeClient, T> call) throws DyadException {
    return pool.call(Router.address(member, s), retry, call);
  }
}
