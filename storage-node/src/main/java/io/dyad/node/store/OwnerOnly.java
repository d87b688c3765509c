package io.dyad.node.store;

import io.dyad.common.access.PrivateFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * How the store creates files (0600) and directories (0700) under its data directory: readable by the daemon's user
 * only, so that object bytes stay private even if someone loosens the data directory itself. Where the file system
 * has no POSIX permissions, with its defaults.
 */
final class OwnerOnly {
  private OwnerOnly() {}

  /** {@link FileChannel#open} creating the file (if the options say so) owner-only. */
  static FileChannel open(Path file, OpenOption... options) throws IOException {
    return FileChannel.open(file, Set.of(options), attributes(file, PrivateFiles.OWNER_ONLY_FILE));
  }

  /** {@link Files#createFile}, owner-only. */
  static Path createFile(Path file) throws IOException {
    return Files.createFile(file, attributes(file, PrivateFiles.OWNER_ONLY_FILE));
  }

  /** {@link Files#createDirectories}: those it creates are owner-only. */
  static Path createDirectories(Path dir) throws IOException {
    return Files.createDirectories(dir, attributes(dir, PrivateFiles.OWNER_ONLY_DIRECTORY));
  }

  private static FileAttribute<?>[] attributes(Path p, Set<PosixFilePermission> permissions) {
    return PrivateFiles.posix(p) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
        : new FileAttribute<?>[0];
  }
}
