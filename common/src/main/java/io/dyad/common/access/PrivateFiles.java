package io.dyad.common.access;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files that hold secrets (the cluster secret, TLS keys): readable and writable by their owner only; and data
 * directories (objects, namespaces), which only their owner may enter.
 */
public final class PrivateFiles {
  private static final Logger LOG = LoggerFactory.getLogger(PrivateFiles.class);
  static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  /** A data directory's permissions (0700). */
  public static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
  /** The permissions of files and directories a daemon creates under its data directory (0600, 0700). */
  public static final Set<PosixFilePermission> OWNER_ONLY_FILE = OWNER_ONLY;

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

  /**
   * Makes {@code dir} a directory only its owner may enter, so that no other local user reads what is under it:
   * creates it (0700) if missing, and takes every permission of group and others from an existing one (data
   * directories of older versions were 0755), with a log line. Files under it are not touched: without the right to
   * enter the directory nobody else reaches them. Where the file system has no POSIX permissions, only creates it.
   *
   * @param what how to name the directory in messages, e.g. "the data directory of storage node a1"
   * @return whether an existing directory was tightened
   * @throws IOException if it cannot be created, or is not a directory
   * @throws DyadException UNAVAILABLE if it cannot be tightened (this process does not own it), naming the fix
   */
  public static boolean ownerOnlyDirectory(Path dir, String what) throws IOException, DyadException {
    if (!posix(dir)) {
      Files.createDirectories(dir);
      return false;
    }
    if (!Files.exists(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
    }
    Set<PosixFilePermission> p = Files.getPosixFilePermissions(dir);
    Set<PosixFilePermission> owners = EnumSet.noneOf(PosixFilePermission.class);
    p.stream().filter(x -> x.name().startsWith("OWNER_")).forEach(owners::add);
    if (owners.equals(p)) {
      return false;
    }
    try {
      Files.setPosixFilePermissions(dir, owners);
    } catch (IOException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, what + " " + dir + " may be entered by others ("
          + PosixFilePermissions.toString(p) + ") and this process cannot change that (" + e.getMessage()
          + "): run the daemon as the directory's owner, and make it owner-only (chmod 700 " + dir + ")", e);
    }
    LOG.warn("{} {} was {}: made it {}, so that other local users cannot read what is under it", what, dir,
        PosixFilePermissions.toString(p), PosixFilePermissions.toString(owners));
    return true;
  }

  /** Whether {@code file}'s file system has POSIX permissions. */
  public static boolean posix(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    return (dir == null ? file : dir).getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
