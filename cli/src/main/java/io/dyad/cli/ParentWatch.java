package io.dyad.cli;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a child process of {@code dyad local} when its parent is gone, however it went (a kill -9 leaves no one to
 * stop the child, which would otherwise hold its port and data directory).
 */
final class ParentWatch {
  private static final Logger LOG = LoggerFactory.getLogger(ParentWatch.class);
  /**
   * How long the clean stop may take: without its parent this process usually lost its ZooKeeper too (both were
   * children of the same parent), and a stop that waits on ZooKeeper would wait out every timeout.
   */
  private static final long STOP_SECONDS = 3;

  private ParentWatch() {}

  /** Exits this JVM (cleanly, through its shutdown hooks) once process {@code pid} has ended. */
  static void exitWhenGone(long pid) {
    Thread watch = new Thread(() -> {
      while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        try {
          TimeUnit.SECONDS.sleep(1);
        } catch (InterruptedException e) {
          return;
        }
      }
      LOG.info("process {} that started this one is gone: stopping", pid);
      Thread halt = new Thread(() -> {
        try {
          TimeUnit.SECONDS.sleep(STOP_SECONDS);
        } catch (InterruptedException e) {
          return;
        }
        LOG.warn("not stopped within {} s: ending now", STOP_SECONDS);
        Runtime.getRuntime().halt(0);
      }, "parent-watch-halt");
      halt.setDaemon(true);
      halt.start();
      System.exit(0);
    }, "parent-watch");
    watch.setDaemon(true);
    watch.start();
  }
}
