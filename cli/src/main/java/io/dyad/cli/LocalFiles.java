package io.dyad.cli;

import io.dyad.common.DyadException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Local files the CLI writes. */
final class LocalFiles {
  /** Fills a stream. */
  @FunctionalInterface
  interface Filler {
    void fill(OutputStream out) throws DyadException, IOException;
  }

  private LocalFiles() {}

  /** Writes {@code text} to {@code file} through a file beside it renamed into place: readers see all or nothing. */
  static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Writes {@code target} through a partial file beside it, renamed into place once complete: a failed or corrupt
   * read never leaves a partial file, and an existing file is replaced only by a whole one.
   */
  static void replace(Path target, Filler filler) throws DyadException, IOException {
    Path out = target.toAbsolutePath();
    Path tmp = out.resolveSibling("." + out.getFileName() + ".dyad-partial");
    try (OutputStream os = Files.newOutputStream(tmp)) {
      filler.fill(os);
    } catch (DyadException | IOException e) {
      Files.deleteIfExists(tmp);
      if (e instanceof NoSuchFileException) {
        throw DyadException.invalidArgument("cannot write " + target + ": its directory does not exist");
      }
      throw e;
    }
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
