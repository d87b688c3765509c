package io.dyad.common.access;

import io.dyad.common.DyadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Files that hold secrets (the cluster secret, TLS keys): readable and writable by their owner only. */
public final class PrivateFiles {
  static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private PrivateFiles() {}

  /**
   * Refuses {@code file} if its group or others may read or write it (where the file system has permissions).
   *
   * @param what how to name the file in the message, e.g. "the cluster secret file"
   */
  public static void checkOwnerOnly(Path file, String what) throws DyadException {
    if (!Files.exists(file) || !posix(file)) {
      return; // missing: reported by the read; no POSIX permissions: the operator protects the file
    }
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
      if (p.stream().anyMatch(x -> !OWNER_ONLY.contains(x) && x != PosixFilePermission.OWNER_EXECUTE)) {
        throw DyadException.invalidArgument(what + " " + file + " may be read or written by others ("
            + PosixFilePermissions.toString(p) + "): make it readable by its owner only (chmod 600 " + file + ")");
      }
    } catch (IOException e) {
      throw DyadException.invalidArgument("cannot read the permissions of " + what + " " + file + ": "
          + e.getMessage());
    }
  }

  /** Whether {@code file}'s file system has POSIX permissions. */
  public static boolean posix(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    return (dir == null ? file : dir).getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
