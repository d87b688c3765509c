package io.dyad.cli;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The file transfers of a recursive put or get, {@code parallel} at a time. A transfer that fails does not stop the
 * others: each failure is reported on its own line, and the command ends with the first failure's exit code.
 */
final class ParallelTransfers {
  /** One file's transfer. */
  @FunctionalInterface
  interface Transfer {
    void run() throws DyadException, IOException;
  }

  private record Named(String what, Transfer transfer) {}

  private final List<Named> transfers = new ArrayList<>();

  void add(String what, Transfer transfer) {
    transfers.add(new Named(what, transfer));
  }

  int size() {
    return transfers.size();
  }

  /**
   * Runs them all; reports each failure to {@code err}.
   *
   * @return the exit code: OK, or the first failure's
   */
  int runAll(int parallel, PrintWriter err) throws DyadException {
    ExecutorService pool = Executors.newFixedThreadPool(parallel,
        new ThreadFactoryBuilder().setDaemon(true).setNameFormat("dyad-transfer-%d").build());
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Named t : transfers) {
        futures.add(pool.submit(() -> {
          t.transfer().run();
          return null;
        }));
      }
      int exit = ExitCodes.OK;
      int failed = 0;
      for (int i = 0; i < futures.size(); i++) {
        try {
          futures.get(i).get();
        } catch (ExecutionException e) {
          failed++;
          DyadException dyad = CliErrors.findDyadException(e.getCause());
          err.println("dyad: " + transfers.get(i).what() + ": "
              + (dyad != null ? dyad.getMessage() : CliErrors.describe(e.getCause())));
          err.flush();
          if (exit == ExitCodes.OK) {
            exit = dyad != null ? ExitCodes.of(dyad.code()) : ExitCodes.FAILURE;
          }
        }
      }
      if (failed > 0) {
        err.println("dyad: " + failed + " of " + transfers.size() + " transfers failed");
        err.flush();
      }
      return exit;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DyadException(ErrorCode.UNAVAILABLE, "interrupted");
    } finally {
      pool.shutdownNow();
    }
  }
}
