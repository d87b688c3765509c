package io.dyad.rpc.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Which new connections a server takes, so that a few addresses cannot lock everyone else out:
 * <ul>
 *   <li>at most {@link ThriftServerConfig#maxConnectionsPerPeer()} from one address;
 *   <li>the last {@link ThriftServerConfig#reservedConnections()} slots go only to addresses holding fewer
 *       connections than the average address (a new one holds none);
 *   <li>at the cap, a newcomer takes the slot of the longest-idle connection of the address that holds the most (or,
 *       if it holds the most itself, of its own); only when none of those is idle is it refused.
 * </ul>
 * Decisions are made on the acceptor thread alone; connections are added and removed from any thread.
 */
final class Admission {
  /** What to do with a new connection. {@code victim}: the idle connection to close first (EVICT only). */
  record Decision(Verdict verdict, Connection victim, String why) {}

  enum Verdict { ADMIT, EVICT, REFUSE }

  private final ThriftServerConfig config;
  private final ConcurrentMap<String, Set<Connection>> byPeer = new ConcurrentHashMap<>();

  Admission(ThriftServerConfig config) {
    this.config = config;
  }

  /** Decides on a connection from {@code peer} while {@code open} connections are open. */
  Decision decide(String peer, int open) {
    int mine = count(peer);
    if (mine >= config.maxConnectionsPerPeer()) {
      return new Decision(Verdict.REFUSE, null, mine + " connections are open from its address (the limit per "
          + "address is " + config.maxConnectionsPerPeer() + ")");
    }
    int max = config.maxConnections();
    if (open < max - config.reservedConnections()) {
      return new Decision(Verdict.ADMIT, null, null);
    }
    boolean belowAverage = (long) mine * Math.max(1, byPeer.size()) < open;
    if (open < max && belowAverage) {
      return new Decision(Verdict.ADMIT, null, null);
    }
    Connection victim = belowAverage ? longestIdleOfBiggerPeers(mine) : longestIdle(peer);
    if (victim == null) {
      return new Decision(Verdict.REFUSE, null, open + " connections are open (the limit is " + max + ", and "
          + config.reservedConnections() + " are kept for addresses with few) and none that could make room is idle");
    }
    return new Decision(Verdict.EVICT, victim, null);
  }

  /** The longest-idle connection of the addresses holding more than {@code mine}, the biggest first. */
  private Connection longestIdleOfBiggerPeers(int mine) {
    List<Map.Entry<String, Set<Connection>>> bigger = new ArrayList<>();
    for (Map.Entry<String, Set<Connection>> e : byPeer.entrySet()) {
      if (e.getValue().size() > mine) {
        bigger.add(e);
      }
    }
    bigger.sort(Comparator.comparingInt((Map.Entry<String, Set<Connection>> e) -> e.getValue().size()).reversed());
    for (Map.Entry<String, Set<Connection>> e : bigger) {
      Connection c = longestIdle(e.getKey());
      if (c != null) {
        return c;
      }
    }
    return null;
  }

  private Connection longestIdle(String peer) {
    Set<Connection> cs = byPeer.get(peer);
    Connection best = null;
    if (cs != null) {
      for (Connection c : cs) {
        if (c.looksIdle() && (best == null || c.idleSinceNanos() < best.idleSinceNanos())) {
          best = c;
        }
      }
    }
    return best;
  }

  int count(String peer) {
    Set<Connection> cs = byPeer.get(peer);
    return cs == null ? 0 : cs.size();
  }

  void add(Connection c) {
    byPeer.compute(c.peerHost(), (k, cs) -> {
      Set<Connection> set = cs != null ? cs : ConcurrentHashMap.newKeySet();
      set.add(c);
      return set;
    });
  }

  void remove(Connection c) {
    byPeer.computeIfPresent(c.peerHost(), (k, cs) -> {
      cs.remove(c);
      return cs.isEmpty() ? null : cs;
    });
  }
}
