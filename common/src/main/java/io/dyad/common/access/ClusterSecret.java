package io.dyad.common.access;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster secret: 32 random bytes, kept as 64 hex digits in a file on each host, readable by its owner only (a
 * file others may read or write is refused).
 * Locators are signed with it (HMAC-SHA256). ZooKeeper holds only its {@link #fingerprint()}, so a daemon given
 * another secret refuses to start. The secret itself never appears in logs, znodes or {@link #toString()}.
 */
public final class ClusterSecret {
  private static final int BYTES = 32;

  private final SecretKeySpec key;
  private final String fingerprint;

  private ClusterSecret(byte[] bytes) {
    this.key = new SecretKeySpec(bytes, "HmacSHA256");
    this.fingerprint = fingerprintOf(bytes);
  }

  /**
   * Reads the secret in {@code file}.
   *
   * @throws DyadException INVALID_ARGUMENT if it is missing or malformed, or if others than its owner may read it
   */
  public static ClusterSecret load(Path file) throws DyadException {
    PrivateFiles.checkOwnerOnly(file, "the cluster secret file");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw DyadException.invalidArgument("cannot read the cluster secret file " + file + ": " + e.getMessage());
    }
    byte[] bytes;
    try {
      bytes = HexFormat.of().parseHex(text);
    } catch (IllegalArgumentException e) {
      bytes = new byte[0];
    }
    if (bytes.length != BYTES) {
      throw DyadException.invalidArgument("the cluster secret file " + file + " must hold " + 2 * BYTES
          + " hex digits (make one with dyad admin secret)");
    }
    return new ClusterSecret(bytes);
  }

  /**
   * Makes a new random secret and writes it to {@code file}, readable by its owner only.
   *
   * @throws DyadException ALREADY_EXISTS if the file exists (a secret is never overwritten), UNAVAILABLE on I/O errors
   */
  public static ClusterSecret create(Path file) throws DyadException {
    byte[] bytes = new byte[BYTES];
    new SecureRandom().nextBytes(bytes);
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      byte[] text = (HexFormat.of().formatHex(bytes) + "\n").getBytes(StandardCharsets.US_ASCII);
      Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
          StandardOpenOption.SYNC);
      // created readable by its owner only: no moment when others could read it
      try (SeekableByteChannel ch = PrivateFiles.posix(file)
          ? Files.newByteChannel(file, options, PosixFilePermissions.asFileAttribute(PrivateFiles.OWNER_ONLY))
          : Files.newByteChannel(file, options)) {
        ch.write(ByteBuffer.wrap(text));
      }
    } catch (FileAlreadyExistsException e) {
      throw new DyadException(ErrorCode.ALREADY_EXISTS, "the cluster secret file " + file + " exists already");
    } catch (IOException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot write the cluster secret file " + file + ": "
          + e.getMessage(), e);
    }
    return new ClusterSecret(bytes);
  }

  /** Reads {@code file}, or makes a new secret there if it does not exist. */
  public static ClusterSecret loadOrCreate(Path file) throws DyadException {
    return Files.exists(file) ? load(file) : create(file);
  }

  /**
   * The ZooKeeper digest identity of the cluster's daemons, "dyad:PASSWORD", the password derived from the secret:
   * every daemon that holds the secret writes under /dyad as this identity, and nobody else can. Never log it.
   */
  public String zooKeeperDigest() {
    return "dyad:" + HexFormat.of().formatHex(sign("zookeeper digest", "dyad".getBytes(StandardCharsets.US_ASCII)));
  }

  /** What ZooKeeper may hold: says which secret a cluster uses without revealing it. */
  public String fingerprint() {
    return fingerprint;
  }

  /**
   * HMAC-SHA256 of {@code data} for one purpose (e.g. "search"): a signature made for one purpose is never valid for
   * another.
   */
  public byte[] sign(String purpose, byte[] data) {
    byte[] label = ("dyad " + purpose + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[label.length + data.length];
    System.arraycopy(label, 0, all, 0, label.length);
    System.arraycopy(data, 0, all, label.length, data.length);
    return mac(all);
  }

  byte[] mac(byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is missing from this JVM", e);
    }
  }

  private static String fingerprintOf(byte[] bytes) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("dyad cluster secret fingerprint\n".getBytes(StandardCharsets.US_ASCII));
      return "sha256:" + HexFormat.of().formatHex(sha.digest(bytes)).substring(0, 32);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "ClusterSecret[" + fingerprint + "]";
  }
}
