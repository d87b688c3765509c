package io.dyad.rpc.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * One thread that does all the I/O of its connections: reads request frames, writes replies, resumes readers
 * that waited for the memory budget, and closes connections whose timers ran out. It never blocks on a client.
 */
final class SelectorLoop implements Runnable {
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  private final ServerCore server;
  private final Selector selector;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Set<Connection> connections = new HashSet<>();
  private final ArrayDeque<Connection> paused = new ArrayDeque<>();
  private final ByteBuffer scratch = ByteBuffer.allocate(64 * 1024);
  private volatile boolean resumeWanted;
  /** paused.size(), readable by other threads (a wake-up missed in a race is made up for by the next tick) */
  private volatile int pausedCount;
  private volatile boolean running = true;
  /** when the timeouts were last checked: real time (the loop's cadence), not the server's ticker */
  private long lastTick = System.nanoTime();

  SelectorLoop(ServerCore server) throws IOException {
    this.server = server;
    this.selector = Selector.open();
  }

  Selector selector() {
    return selector;
  }

  /** Runs {@code task} on this loop's thread. */
  void execute(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  /** Adopts a new connection. Any thread. */
  void adopt(Connection c) {
    execute(() -> {
      try {
        c.register();
        connections.add(c);
        c.onReadable();
      } catch (IOException | CancelledKeyException e) {
        c.close(null);
      }
    });
  }

  /** Budget was given back somewhere: readers that waited for it try again. Any thread. */
  void wakeForBudget() {
    if (pausedCount > 0 && !resumeWanted) {
      resumeWanted = true;
      selector.wakeup();
    }
  }

  void paused(Connection c) {
    paused.add(c);
    pausedCount = paused.size();
  }

  void forget(Connection c) {
    connections.remove(c);
    if (paused.remove(c)) {
      pausedCount = paused.size();
    }
  }

  ByteBuffer scratch() {
    return scratch;
  }

  int size() {
    return connections.size();
  }

  @Override
  public void run() {
    while (running) {
      try {
        selector.select(TimeUnit.NANOSECONDS.toMillis(TICK_NANOS));
        handleSelected();
        runTasks();
        if (resumeWanted) {
          resumeWanted = false;
          resumePaused();
        }
        long tick = System.nanoTime();
        if (tick - lastTick >= TICK_NANOS) {
          lastTick = tick;
          resumePaused();
          long now = server.ticker().read();
          for (Connection c : new ArrayList<>(connections)) {
            c.checkTimeouts(now);
          }
        }
      } catch (IOException | RuntimeException e) {
        server.log().error("[{}] selector loop error; going on", server.name(), e);
      }
    }
    runTasks();
    for (Connection c : new ArrayList<>(connections)) {
      c.close(null);
    }
    try {
      selector.close();
    } catch (IOException ignored) {
      // stopping
    }
  }

  private void handleSelected() {
    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
    while (it.hasNext()) {
      SelectionKey key = it.next();
      it.remove();
      Connection c = (Connection) key.attachment();
      try {
        if (key.isValid() && key.isReadable()) {
          c.onReadable();
        }
        if (key.isValid() && key.isWritable()) {
          c.onWritable();
        }
      } catch (IOException | CancelledKeyException e) {
        c.close(null);
      }
    }
  }

  private void runTasks() {
    Runnable t;
    while ((t = tasks.poll()) != null) {
      try {
        t.run();
      } catch (RuntimeException e) {
        server.log().error("[{}] selector task failed", server.name(), e);
      }
    }
  }

  private void resumePaused() {
    int n = paused.size();
    for (int i = 0; i < n && !paused.isEmpty(); i++) {
      Connection c = paused.poll();
      pausedCount = paused.size();
      try {
        c.resume();
      } catch (IOException | CancelledKeyException e) {
        c.close(null);
      }
    }
  }

  void stop() {
    running = false;
    selector.wakeup();
  }
}
