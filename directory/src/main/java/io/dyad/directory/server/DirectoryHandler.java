package io.dyad.directory.server;

import com.codahale.metrics.MetricRegistry;
import io.dyad.common.DyadException;
import io.dyad.common.access.DaemonAuth;
import io.dyad.coordinator.fencing.MemberGate;
import io.dyad.coordinator.view.ClusterSnapshot;
import io.dyad.directory.api.FsPath;
import io.dyad.directory.api.PairRoles;
import io.dyad.directory.api.Volumes;
import io.dyad.directory.namespace.NamespaceStore;
import io.dyad.rpc.server.AccessRefusals;
import io.dyad.rpc.server.CallerCheck;
import io.dyad.rpc.server.HandlerEdge;
import io.dyad.thrift.Applied;
import io.dyad.thrift.BeginUpload;
import io.dyad.thrift.Change;
import io.dyad.thrift.ChangeOp;
import io.dyad.thrift.DirectoryServer;
import io.dyad.thrift.DirectoryStatus;
import io.dyad.thrift.EntryPage;
import io.dyad.thrift.Inode;
import io.dyad.thrift.LogPage;
import io.dyad.thrift.SnapshotManifest;
import io.dyad.thrift.VolumeState;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.thrift.TException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Thrift edge of a directory server: checks arguments, asks the gate (fencing) before reads, hands writes to the
 * {@link Sequencer} and replicated changes to the {@link ReplicaReceiver}, maps errors to the IDL's typed exceptions
 * and times every call.
 */
final class DirectoryHandler implements DirectoryServer.Iface {
  private static final Logger LOG = LoggerFactory.getLogger(DirectoryHandler.class);
  static final int MAX_PAGE = 10_000;
  static final int MAX_LOG_PAGE = 10_000;

  private final String memberId;
  private final CallerCheck callers;
  private final NamespaceStore store;
  private final MemberGate gate;
  private final Sequencer sequencer;
  private final ReplicaReceiver receiver;
  private final Snapshots snapshots;
  private final HandlerEdge edge;

  /** @param daemons how callers prove they are Dyad daemons (empty in a cluster without a secret: all are served) */
  DirectoryHandler(String memberId, NamespaceStore store, MemberGate gate, Sequencer sequencer,
      ReplicaReceiver receiver, Snapshots snapshots, MetricRegistry metrics, Optional<DaemonAuth> daemons) {
    // counted from the start, so that /metrics shows them at 0
    this.callers = new CallerCheck(daemons, Set.of("status", "authenticate"), new AccessRefusals("member="
        + memberId, metrics.counter("directory.auth.refused")::inc, () -> {},
        metrics.counter("directory.auth.unbound")::inc));
    this.memberId = memberId;
    this.store = store;
    this.gate = gate;
    this.sequencer = sequencer;
    this.receiver = receiver;
    this.snapshots = snapshots;
    this.edge = new HandlerEdge(LOG, "member=" + memberId, "directory", metrics);
  }

  @FunctionalInterface
  private interface Call<T> {
    T run() throws DyadException;
  }

  private <T> T call(String method, Call<T> body) throws TException {
    return edge.call(method, () -> {
      callers.require(method);
      return body.run();
    });
  }

  private static String volumeName(String volume) throws DyadException {
    return Volumes.checkName(volume);
  }

  @Override
  public Applied submit(String volume, ChangeOp op, long epoch, String requestId) throws TException {
    return call("submit", () -> {
      if (op == null || !op.isSet()) {
        throw DyadException.invalidArgument("submit needs a change");
      }
      String id = requestId == null ? "" : requestId;
      if (id.length() > 64 || id.indexOf('\0') >= 0) {
        throw DyadException.invalidArgument("a request id is at most 64 characters, without NUL");
      }
      return sequencer.submit(volumeName(volume), op, epoch, id);
    });
  }

  @Override
  public BeginUpload upload(String volume, String uploadId, long epoch) throws TException {
    return call("upload", () -> {
      String v = volumeName(volume);
      if (uploadId == null || uploadId.isEmpty()) {
        throw DyadException.invalidArgument("upload needs an upload id");
      }
      gate.checkRead(epoch);
      return store.upload(v, uploadId);
    });
  }

  @Override
  public Inode stat(String volume, String path, long epoch) throws TException {
    return call("stat", () -> {
      String v = volumeName(volume);
      FsPath p = FsPath.of(path);
      gate.checkRead(epoch);
      return store.stat(v, p);
    });
  }

  @Override
  public EntryPage listDirectory(String volume, String path, String afterName, int limit, long epoch)
      throws TException {
    return call("list", () -> {
      String v = volumeName(volume);
      FsPath p = FsPath.of(path);
      if (limit < 1 || limit > MAX_PAGE) {
        throw DyadException.invalidArgument("limit must be 1-" + MAX_PAGE + ", was " + limit);
      }
      gate.checkRead(epoch);
      NamespaceStore.ListPage page = store.list(v, p, afterName == null ? "" : afterName, limit);
      EntryPage out = new EntryPage(page.entries());
      page.next().ifPresent(out::setNextAfter);
      return out;
    });
  }

  @Override
  public void authenticate(String daemon, long time, String nonce, ByteBuffer proof) throws TException {
    call("authenticate", () -> {
      callers.authenticate(daemon, time, nonce, proof);
      return null;
    });
  }

  @Override
  public VolumeState findVolume(String volume) throws TException {
    return call("findVolume", () -> store.volumeState(Volumes.checkName(volume))
        .orElseThrow(() -> DyadException.notFound(memberId + " does not hold volume " + volume)));
  }

  @Override
  public List<VolumeState> volumes(long epoch) throws TException {
    return call("volumes", () -> {
      gate.checkLookup(epoch);
      return store.volumeStates();
    });
  }

  @Override
  public DirectoryStatus status() throws TException {
    return call("status", () -> {
      MemberGate.Status st = gate.status();
      ClusterSnapshot s = gate.view().current();
      String role = !st.name().equals("SERVING") ? "NONE" : PairRoles.isPrimary(s, memberId) ? "PRIMARY" : "DUPLICATE";
      return new DirectoryStatus(memberId, st.name(), st.detail(), role,
          store.isRunning() ? store.volumeStates() : List.of());
    });
  }

  @Override
  public String digest(String volume) throws TException {
    return call("digest", () -> store.digest(volumeName(volume)));
  }

  @Override
  public long replicate(String sender, String volume, List<Change> changes, long epoch) throws TException {
    return call("replicate", () -> {
      if (sender == null || changes == null || changes.size() > MAX_LOG_PAGE) {
        throw DyadException.invalidArgument("replicate needs a sender and at most " + MAX_LOG_PAGE + " changes");
      }
      return receiver.replicate(sender, volumeName(volume), changes, epoch);
    });
  }

  @Override
  public LogPage fetchLog(String volume, long fromSeq, int maxChanges, long epoch) throws TException {
    return call("fetchLog", () -> {
      String v = volumeName(volume);
      if (fromSeq < 1 || maxChanges < 1 || maxChanges > MAX_LOG_PAGE) {
        throw DyadException.invalidArgument("fetchLog needs fromSeq >= 1 and maxChanges 1-" + MAX_LOG_PAGE);
      }
      gate.checkLookup(epoch);
      VolumeState state = store.volumeStates().stream().filter(s -> s.getVolume().equals(v)).findFirst()
          .orElseThrow(() -> DyadException.notFound("volume " + v + " does not exist on " + memberId));
      return new LogPage(store.log(v, fromSeq, maxChanges), state.getLastSeq(), state.getFirstLogSeq());
    });
  }

  @Override
  public void join(String member, long incarnation, List<VolumeState> volumes, long epoch) throws TException {
    call("join", () -> {
      if (member == null || volumes == null) {
        throw DyadException.invalidArgument("join needs a member and its volumes");
      }
      sequencer.join(member, incarnation, volumes, epoch);
      return null;
    });
  }

  @Override
  public SnapshotManifest openSnapshot(String member, long epoch) throws TException {
    return call("openSnapshot", () -> {
      gate.checkLookup(epoch);
      return snapshots.open(member);
    });
  }

  @Override
  public ByteBuffer readSnapshot(String snapshotId, String file, long offset, int maxBytes) throws TException {
    return call("readSnapshot", () -> snapshots.read(snapshotId, file, offset, maxBytes));
  }
}
