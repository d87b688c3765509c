package io.dyad.rpc.server;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Requests waiting for a worker, served round robin by peer address: a peer that floods the server with requests
 * waits behind its own, while every other peer (a partner's resync, a DOSM) still gets its turn. Thread-safe.
 */
final class FairQueue {
  private final Map<String, ArrayDeque<Runnable>> byPeer = new HashMap<>();
  private final ArrayDeque<String> turns = new ArrayDeque<>();
  private int size;
  private boolean closed;

  synchronized void add(String peer, Runnable task) {
    ArrayDeque<Runnable> q = byPeer.computeIfAbsent(peer, p -> new ArrayDeque<>());
    if (q.isEmpty()) {
      turns.add(peer);
    }
    q.add(task);
    size++;
    notify();
  }

  /** The next request in peer order; null once closed. */
  synchronized Runnable take() throws InterruptedException {
    while (turns.isEmpty() && !closed) {
      wait();
    }
    if (closed) {
      return null;
    }
    String peer = turns.poll();
    ArrayDeque<Runnable> q = byPeer.get(peer);
    Runnable task = q.poll();
    if (q.isEmpty()) {
      byPeer.remove(peer);
    } else {
      turns.add(peer);
    }
    size--;
    return task;
  }

  synchronized int size() {
    return size;
  }

  synchronized void close() {
    closed = true;
    notifyAll();
  }
}
