package io.dyad.cli;

import io.dyad.client.DyadClient;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A progress bar with rate and ETA for transfers, redrawn in place on standard error at most ten times a second —
 * only when a person is watching (a terminal) and the transfer is big enough to wait for; otherwise silent, so that
 * piped and scripted output stays clean. Thread-safe: parallel transfers add to one bar.
 */
final class Progress implements AutoCloseable {
  /** Transfers smaller than this finish before a bar would help. */
  static final long MIN_BYTES = 4L << 20;
  private static final long REDRAW_NANOS = 100_000_000L;
  private static final int WIDTH = 30;

  private final PrintStream err;
  private final String label;
  private final long total;
  private final long startNanos = System.nanoTime();
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong drawnAt = new AtomicLong(startNanos - REDRAW_NANOS);
  private final boolean shown;
  private boolean closed;

  private Progress(PrintStream err, String label, long total, boolean shown) {
    this.err = err;
    this.label = label;
    this.total = total;
    this.shown = shown;
  }

  /**
   * A bar for {@code total} bytes (-1: unknown), shown if standard error is a terminal and the transfer is at least
   * {@link #MIN_BYTES} (or of unknown size), unless {@code quiet}.
   */
  static Progress of(String label, long total, boolean quiet) {
    boolean terminal = System.console() != null;
    return new Progress(System.err, label, total, !quiet && terminal && (total < 0 || total >= MIN_BYTES));
  }

  /** A bar that is never shown. */
  static Progress none() {
    return new Progress(System.err, "", 0, false);
  }

  void add(long bytes) {
    long now = done.addAndGet(bytes);
    if (!shown) {
      return;
    }
    long t = System.nanoTime();
    long last = drawnAt.get();
    if (t - last >= REDRAW_NANOS && drawnAt.compareAndSet(last, t)) {
      draw(now, t, false);
    }
  }

  private synchronized void draw(long bytes, long nanos, boolean last) {
    double seconds = Math.max(1e-3, (nanos - startNanos) / 1e9);
    double rate = bytes / seconds;
    StringBuilder line = new StringBuilder("\r").append(label).append(' ');
    if (total > 0) {
      int filled = (int) Math.min(WIDTH, WIDTH * bytes / total);
      line.append(String.format("%3d%% [", Math.min(100, 100 * bytes / total))).append("=".repeat(filled))
          .append(filled < WIDTH ? ">" : "").append(" ".repeat(Math.max(0, WIDTH - filled - 1))).append("] ")
          .append(mib(bytes)).append('/').append(mib(total)).append(" MiB");
    } else {
      line.append(mib(bytes)).append(" MiB");
    }
    line.append(String.format("  %.1f MB/s", rate / 1e6));
    if (!last && total > 0 && rate > 0) {
      long eta = (long) ((total - bytes) / rate);
      line.append(String.format("  ETA %d:%02d", eta / 60, eta % 60));
    } else if (last) {
      line.append(String.format("  in %.1f s", seconds));
    }
    err.print(line.append("\033[K")); // clear what a longer previous line left
    if (last) {
      err.println();
    }
    err.flush();
  }

  private static String mib(long bytes) {
    return String.format("%.1f", bytes / (double) (1 << 20));
  }

  /** Bytes counted so far. */
  long done() {
    return done.get();
  }

  /** Counts what passes through {@code in}. */
  InputStream counting(InputStream in) {
    return counting(in, new long[1]);
  }

  /**
   * A file a put may read more than once (it starts again on another gateway after a failure): each new reading
   * takes back what the one before it counted, so the bar never passes the file's size.
   */
  DyadClient.Source rereadable(DyadClient.Source source) {
    long[] counted = {0};
    return () -> {
      add(-counted[0]);
      counted[0] = 0;
      return counting(source.open(), counted);
    };
  }

  /** Counts what passes through {@code in}, here and in {@code tally[0]}. */
  private InputStream counting(InputStream in, long[] tally) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          tally[0]++;
          add(1);
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          tally[0] += n;
          add(n);
        }
        return n;
      }
    };
  }

  /** Counts what passes through {@code out}. */
  OutputStream counting(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        add(len);
      }

      @Override
      public void write(int b) throws IOException {
        out.write(b);
        add(1);
      }
    };
  }

  /** Draws the final state (when shown) and ends the line. */
  @Override
  public synchronized void close() {
    if (shown && !closed) {
      closed = true;
      draw(done.get(), System.nanoTime(), true);
    }
  }
}
