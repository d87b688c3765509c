package io.dyad.server;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.Lists;
import com.google.common.util.concurrent.AbstractService;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.Service;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Services that depend on each other, run as one: started in the given order (each must be running before
 * the next starts), stopped in reverse order, each stop isolated and bounded so that one stuck or failing
 * part does not keep the others running. If any part fails while running, the rest are stopped and the
 * stack fails with that cause.
 */
public final class ServiceStack extends AbstractService {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceStack.class);

  private final String name;
  private final ImmutableList<Service> parts;
  private final Duration stopTimeout;

  public ServiceStack(String name, List<? extends Service> parts, Duration stopTimeout) {
    this.name = requireNonNull(name, "name");
    this.parts = ImmutableList.copyOf(parts);
    this.stopTimeout = requireNonNull(stopTimeout, "stopTimeout");
  }

  @Override
  protected void doStart() {
    Thread starter = new Thread(this::startParts, name + "-start");
    starter.setDaemon(true);
    starter.start();
  }

  private void startParts() {
    for (Service part : parts) {
      try {
        part.startAsync().awaitRunning();
      } catch (IllegalStateException e) {
        Throwable cause = part.failureCause() != null ? part.failureCause() : e;
        stopStarted();
        notifyFailed(cause);
        return;
      }
      part.addListener(new Listener() {
        @Override
        public void failed(State from, Throwable failure) {
          onPartFailed(part, failure);
        }
      }, MoreExecutors.directExecutor());
    }
    notifyStarted();
  }

  private void onPartFailed(Service part, Throwable failure) {
    if (state() == State.STOPPING || state() == State.TERMINATED) {
      return;
    }
    LOG.error("[{}] {} failed; stopping the rest", name, part, failure);
    new Thread(() -> {
      stopStarted();
      notifyFailed(failure);
    }, name + "-failstop").start();
  }

  @Override
  protected void doStop() {
    Thread stopper = new Thread(() -> {
      stopStarted();
      notifyStopped();
    }, name + "-stop");
    stopper.start();
  }

  /** Stops, in reverse order, every part that was started; never throws. */
  private void stopStarted() {
    for (Service part : Lists.reverse(parts)) {
      if (part.state() == State.NEW || part.state() == State.TERMINATED || part.state() == State.FAILED) {
        continue;
      }
      try {
        part.stopAsync().awaitTerminated(stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        LOG.warn("[{}] {} did not stop within {}; going on", name, part, stopTimeout);
      } catch (IllegalStateException e) {
        LOG.warn("[{}] {} failed while stopping", name, part, e);
      }
    }
  }

  /** The parts, in start order. */
  public List<Service> parts() {
    return parts;
  }

  @Override
  public String toString() {
    return name + " [" + state() + "]";
  }
}
