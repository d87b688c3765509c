package io.dyad.directory.server;

import com.google.common.net.HostAndPort;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.directory.namespace.NamespaceStore;
import io.dyad.thrift.Change;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A partner link straight into another store in this JVM (the duplicate), which a test can hold (a send waits until
 * it lets go: the next group gathers meanwhile) or break (a send fails: the change stays in doubt).
 */
final class HeldPartnerLink implements PartnerLink {
  private final NamespaceStore duplicate;
  private final AtomicInteger waiting = new AtomicInteger();
  /** the size of every group sent (held or not), in order */
  private final List<Integer> sent = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch held;
  private volatile boolean broken;
  private volatile Runnable onFailedSend = () -> {};

  HeldPartnerLink(NamespaceStore duplicate) {
    this.duplicate = duplicate;
  }

  /** From now on a send waits until {@link #letGo}. */
  void hold() {
    held = new CountDownLatch(1);
  }

  void letGo() {
    CountDownLatch h = held;
    held = null;
    h.countDown();
  }

  /** Sends waiting for {@link #letGo}. */
  int waiting() {
    return waiting.get();
  }

  void broken(boolean b) {
    broken = b;
  }

  /** Runs {@code r} on every send that fails because the link is broken (a test's ticker moves on, say). */
  void onFailedSend(Runnable r) {
    onFailedSend = r;
  }

  List<Integer> sent() {
    return List.copyOf(sent);
  }

  @Override
  public void send(HostAndPort partner, List<Change> changes, long epoch) throws DyadException {
    if (broken) {
      onFailedSend.run();
      throw new DyadException(ErrorCode.UNAVAILABLE, "the partner link is broken (test)");
    }
    sent.add(changes.size());
    CountDownLatch h = held;
    if (h != null) {
      waiting.incrementAndGet();
      try {
        h.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DyadException(ErrorCode.UNAVAILABLE, "interrupted");
      } finally {
        waiting.decrementAndGet();
      }
    }
    long last = duplicate.applyInOrder(changes.get(0).getVolume(), changes);
    if (last != changes.get(changes.size() - 1).getSeq()) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "the duplicate is at " + last + ", not at the group's end");
    }
  }

  @Override
  public void fill(HostAndPort partner, String volume, long partnerLast, List<Change> pending, long epoch) {
    throw new UnsupportedOperationException("no partner joins in these tests");
  }
}
