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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster secret: 32 random bytes, kept as 64 hex digits in a file on each host, readable by its owner only (a
 * file others may read or write is refused). Locators, member proofs and search datagrams are signed with it
 * (HMAC-SHA256). ZooKeeper holds only its {@link #fingerprint()}, so a daemon given another secret refuses to start.
 * The secret itself never appears in logs, znodes or {@link #toString()}.
 *
 * <p>During a rotation the file holds two secrets, one per line: the first signs, and signatures made with either
 * are accepted, so daemons that already sign with the new secret and daemons that still sign with the old one
 * understand each other ({@link SecretRotation}).
 */
public final class ClusterSecret {
  static final int BYTES = 32;

  private final List<SecretKeySpec> keys;
  private final List<String> fingerprints;

  private ClusterSecret(List<byte[]> secrets) {
    this.keys = secrets.stream().map(b -> new SecretKeySpec(b, "HmacSHA256")).toList();
    this.fingerprints = secrets.stream().map(ClusterSecret::fingerprintOf).toList();
  }

  /**
   * Reads the secret (or, during a rotation, the two secrets) in {@code file}.
   *
   * @throws DyadException INVALID_ARGUMENT if it is missing or malformed, or if others than its owner may read it
   */
  public static ClusterSecret load(Path file) throws DyadException {
    return new ClusterSecret(readSecrets(file));
  }

  /** The secrets in {@code file}, signing one first. */
  static List<byte[]> readSecrets(Path file) throws DyadException {
    PrivateFiles.checkOwnerOnly(file, "the cluster secret file");
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.US_ASCII).stream().map(String::strip)
          .filter(l -> !l.isEmpty()).toList();
    } catch (IOException e) {
      throw DyadException.invalidArgument("cannot read the cluster secret file " + file + ": " + e.getMessage());
    }
    if (lines.isEmpty() || lines.size() > 2) {
      throw DyadException.invalidArgument("the cluster secret file " + file + " holds " + lines.size()
          + " secrets: it holds one, or two during a rotation (make one with dyad admin secret new)");
    }
    List<byte[]> secrets = new ArrayList<>();
    for (String line : lines) {
      byte[] bytes;
      try {
        bytes = HexFormat.of().parseHex(line);
      } catch (IllegalArgumentException e) {
        bytes = new byte[0];
      }
      if (bytes.length != BYTES) {
        throw DyadException.invalidArgument("each line of the cluster secret file " + file + " must hold " + 2 * BYTES
            + " hex digits (make one with dyad admin secret new)");
      }
      secrets.add(bytes);
    }
    return secrets;
  }

  /**
   * Makes a new random secret and writes it to {@code file}, readable by its owner only.
   *
   * @throws DyadException ALREADY_EXISTS if the file exists (a secret is never overwritten), UNAVAILABLE on I/O errors
   */
  public static ClusterSecret create(Path file) throws DyadException {
    byte[] bytes = random();
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
          StandardOpenOption.SYNC);
      // created readable by its owner only: no moment when others could read it
      try (SeekableByteChannel ch = PrivateFiles.posix(file)
          ? Files.newByteChannel(file, options, PosixFilePermissions.asFileAttribute(PrivateFiles.OWNER_ONLY))
          : Files.newByteChannel(file, options)) {
        ch.write(ByteBuffer.wrap(text(List.of(bytes))));
      }
    } catch (FileAlreadyExistsException e) {
      throw new DyadException(ErrorCode.ALREADY_EXISTS, "the cluster secret file " + file + " exists already");
    } catch (IOException e) {
      throw new DyadException(ErrorCode.UNAVAILABLE, "cannot write the cluster secret file " + file + ": "
          + e.getMessage(), e);
    }
    return new ClusterSecret(List.of(bytes));
  }

  static byte[] random() {
    byte[] bytes = new byte[BYTES];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  static byte[] text(List<byte[]> secrets) {
    StringBuilder b = new StringBuilder();
    for (byte[] s : secrets) {
      b.append(HexFormat.of().formatHex(s)).append('\n');
    }
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** Reads {@code file}, or makes a new secret there if it does not exist. */
  public static ClusterSecret loadOrCreate(Path file) throws DyadException {
    return Files.exists(file) ? load(file) : create(file);
  }

  /**
   * The ZooKeeper digest identity of the cluster's daemons, "dyad:PASSWORD", the password derived from the signing
   * secret: every daemon that holds the secret writes under /dyad as this identity, and nobody else can. Never log
   * it.
   */
  public String zooKeeperDigest() {
    return zooKeeperDigests().get(0);
  }

  /** The ZooKeeper identities of all the secrets held (two during a rotation), the signing one first. */
  public List<String> zooKeeperDigests() {
    List<String> out = new ArrayList<>();
    for (SecretKeySpec k : keys) {
      out.add("dyad:" + HexFormat.of().formatHex(mac(k, labelled("zookeeper digest",
          "dyad".getBytes(StandardCharsets.US_ASCII)))));
    }
    return out;
  }

  /** The same secrets with the second one signing (what {@link SecretRotation#promote} makes of the file). */
  public ClusterSecret promoted() {
    if (keys.size() != 2) {
      throw new IllegalStateException("only a rotation's two secrets can change places");
    }
    return new ClusterSecret(List.of(keys.get(1).getEncoded(), keys.get(0).getEncoded()));
  }

  /** What ZooKeeper may hold: says which secret signs without revealing it. */
  public String fingerprint() {
    return fingerprints.get(0);
  }

  /** The fingerprints of all the secrets held, the signing one first. */
  public List<String> fingerprints() {
    return fingerprints;
  }

  /**
   * HMAC-SHA256 of {@code data} for one purpose (e.g. "search"), with the signing secret: a signature made for one
   * purpose is never valid for another.
   */
  public byte[] sign(String purpose, byte[] data) {
    return mac(keys.get(0), labelled(purpose, data));
  }

  /** Whether {@code signature} is {@link #sign}'s of {@code data} under any secret held (in constant time each). */
  public boolean verify(String purpose, byte[] data, byte[] signature) {
    return verifyMac(labelled(purpose, data), signature);
  }

  private static byte[] labelled(String purpose, byte[] data) {
    byte[] label = ("dyad " + purpose + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[label.length + data.length];
    System.arraycopy(label, 0, all, 0, label.length);
    System.arraycopy(data, 0, all, label.length, data.length);
    return all;
  }

  /** HMAC-SHA256 of {@code data} with the signing secret (no purpose label: the locator format). */
  byte[] mac(byte[] data) {
    return mac(keys.get(0), data);
  }

  /** Whether {@code signature} is the HMAC of {@code data} under any secret held. */
  boolean verifyMac(byte[] data, byte[] signature) {
    boolean ok = false;
    for (SecretKeySpec k : keys) {
      ok |= signature != null && MessageDigest.isEqual(signature, mac(k, data));
    }
    return ok;
  }

  private static byte[] mac(SecretKeySpec key, byte[] data) {
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
    return "ClusterSecret" + fingerprints;
  }
}
