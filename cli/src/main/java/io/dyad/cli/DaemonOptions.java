package io.dyad.cli;

import io.dyad.common.DyadException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The options and the start every daemon command shares ({@code node}, {@code directory}, {@code dosm}, {@code ddm},
 * {@code coordinator}): running in the foreground or with {@code --daemon} (and its pid and log files), the
 * ZooKeeper ensemble, the admin port.
 */
final class DaemonOptions {
  @Mixin DaemonModeOptions mode;
  @Mixin ZkOptions zk;
  @Mixin AdminOptions admin;

  /** A daemon command's work once it runs in the foreground: serve until stopped, return the exit code. */
  interface Foreground {
    int serve() throws DyadException;
  }

  /**
   * With {@code --daemon}, starts the command again in the background and returns once it serves (or failed);
   * otherwise follows the process {@code --exit-with} names, sets the daemons' log levels and serves in this process.
   *
   * @return the exit code
   */
  int run(CommandSpec spec, String role, String id, Foreground foreground) throws DyadException {
    if (mode.daemon) {
      return mode.detach(spec, role, id);
    }
    mode.followParent();
    LogLevels.forDaemon();
    return foreground.serve();
  }
}
