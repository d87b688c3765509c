package io.dyad.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Pid files of daemons run in the background: written once serving, removed on a clean stop. */
final class PidFiles {
  private PidFiles() {}

  /** The pid the file names, if that process runs and is a Dyad daemon (a reused pid is not mistaken for it). */
  static Optional<Long> runningPid(Path file) {
    try {
      long pid = Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(PidFiles::isDyad).map(ProcessHandle::pid);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static boolean isDyad(ProcessHandle p) {
    // the command line is unknown for processes of other users: then trust the pid file
    return p.info().commandLine().map(c -> c.contains("io.dyad.cli.Dyad")).orElse(true);
  }

  /** Writes this process's pid, atomically. */
  static void writeOwn(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    LocalFiles.writeAtomically(file, ProcessHandle.current().pid() + "\n");
  }

  /** Removes the file if it names this process. */
  static void removeOwn(Path file) {
    try {
      if (Files.readString(file, StandardCharsets.US_ASCII).strip().equals(Long.toString(ProcessHandle.current().pid()))) {
        Files.deleteIfExists(file);
      }
    } catch (IOException | RuntimeException e) {
      // gone already, or not ours
    }
  }
}
