package io.dyad.directory.server;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import io.dyad.common.access.ClusterSecret;
import io.dyad.rpc.server.ThriftServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything a directory server needs to run. Immutable.
 *
 * @param memberId its id in the cluster, e.g. "da1"
 * @param data its data directory: {@code namespace/} (RocksDB), {@code snapshots/} (served to the partner),
 *     {@code incoming/} (a snapshot being received)
 * @param server where and how the Thrift service listens
 * @param patience how long a change waits for the partner before the caller gets Unavailable (it is then completed
 *     before the volume's next change)
 * @param logRetention changes kept in each volume's log for a partner that falls behind
 * @param garbageEvery how often the garbage worker looks for due garbage and expired uploads
 * @param secret the cluster secret (to delete garbage through a DOSM of a cluster with access control); it must
 *     match the cluster's, or the server refuses to start
 * @param acceptUnboundProofs accept member proofs not bound to this server, from daemons of an older version
 *     (while upgrading)
 */
public record DirectoryConfig(String memberId, Path data, ThriftServerConfig server, Duration patience,
    long logRetention, Duration garbageEvery, Optional<ClusterSecret> secret, boolean acceptUnboundProofs) {
  /** Snapshot files are read in chunks of up to 4 MiB. */
  public static final int MAX_REPLY_CHUNK = Snapshots.MAX_CHUNK;

  public DirectoryConfig {
    requireNonNull(memberId, "memberId");
    requireNonNull(data, "data");
    requireNonNull(server, "server");
    requireNonNull(patience, "patience");
    requireNonNull(garbageEvery, "garbageEvery");
    requireNonNull(secret, "secret");
    checkArgument(memberId.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"),
        "member id must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit: '%s'", memberId);
    checkArgument(logRetention >= Sequencer.MAX_JOIN_GAP, "the log must keep at least %s changes",
        Sequencer.MAX_JOIN_GAP);
  }

  /** A server that refuses unbound member proofs. */
  public DirectoryConfig(String memberId, Path data, ThriftServerConfig server, Duration patience,
      long logRetention, Duration garbageEvery, Optional<ClusterSecret> secret) {
    this(memberId, data, server, patience, logRetention, garbageEvery, secret, false);
  }

  /** The same, accepting unbound member proofs (or not). */
  public DirectoryConfig withAcceptUnboundProofs(boolean accept) {
    return new DirectoryConfig(memberId, data, server, patience, logRetention, garbageEvery, secret, accept);
  }

  public Path namespaceDir() {
    return data.resolve("namespace");
  }
}
