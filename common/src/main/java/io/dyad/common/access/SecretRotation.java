package io.dyad.common.access;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The file side of rotating the cluster secret without downtime. Each step rewrites the secret file atomically
 * (owner-only, synced) and is copied to every host, which restarts its daemons one at a time:
 *
 * <ol>
 *   <li>{@link #add}: the file holds the current secret, then a new one. Daemons go on signing with the current
 *       one and accept both;
 *   <li>{@link #promote}: the two change places. Restarted daemons sign with the new secret, and the others accept
 *       it already;
 *   <li>{@link #retire}: only the new secret is left (once every daemon signs with it and the locators signed with
 *       the old one have expired).
 * </ol>
 */
public final class SecretRotation {
  private SecretRotation() {}

  /** Step 1: a new secret after the current one. @throws DyadException if a rotation is under way already */
  public static ClusterSecret add(Path file) throws DyadException {
    List<byte[]> secrets = ClusterSecret.readSecrets(file);
    if (secrets.size() == 2) {
      throw new DyadException(ErrorCode.ALREADY_EXISTS, "the cluster secret file " + file + " holds two secrets "
          + "already: a rotation is under way (promote the new secret, then retire the old one)");
    }
    return rewrite(file, List.of(secrets.get(0), ClusterSecret.random()));
  }

  /** Step 2: the new secret first (it signs), the old one second (still accepted). */
  public static ClusterSecret promote(Path file) throws DyadException {
    List<byte[]> secrets = twoIn(file, "promote");
    return rewrite(file, List.of(secrets.get(1), secrets.get(0)));
  }

  /** Step 3: only the signing secret is left; a file with one secret is left as it is. */
  public static ClusterSecret retire(Path file) throws DyadException {
    List<byte[]> secrets = ClusterSecret.readSecrets(file);
    return secrets.size() == 1 ? ClusterSecret.load(file) : rewrite(file, List.of(secrets.get(0)));
  }

  private static List<byte[]> twoIn(Path file, String step) throws DyadException {
    List<byte[]> secrets = ClusterSecret.readSecrets(file);
    if (secrets.size() != 2) {
      throw DyadException.invalidArgument("the cluster secret file " + file + " holds one secret: nothing to " + step
          + " (add a new one first)");
    }
    return secrets;
  }

  /** Replaces the file's content in one step: a reader sees the old file or the new, never a mix. */
  private static ClusterSecret rewrite(Path file, List<byte[]> secrets) throws DyadException {
    Path dir = file.toAbsolutePath().getParent();
    Path temp = dir.resolve("." + file.getFileName() + ".new-" + UUID.randomUUID());
    try {
      Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try (FileChannel ch = PrivateFiles.posix(file)
          ? FileChannel.open(temp, options, PosixFilePermissions.asFileAttribute(PrivateFiles.OWNER_ONLY))
          : FileChannel.open(temp, options)) {
        ch.write(ByteBuffer.wrap(ClusterSecret.text(new ArrayList<>(secrets))));
        ch.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      }
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // reporting the first failure
      }
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot rewrite the cluster secret file " + file + ": "
          + e.getMessage(), e);
    }
    return ClusterSecret.load(file);
  }
}
