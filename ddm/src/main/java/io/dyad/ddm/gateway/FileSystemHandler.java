package io.dyad.ddm.gateway;

import com.codahale.metrics.MetricRegistry;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.access.Locator;
import io.dyad.common.access.Locators;
import io.dyad.coordinator.model.VolumeInfo;
import io.dyad.coordinator.view.ClusterView;
import io.dyad.coordinator.volumes.VolumeRegistry;
import io.dyad.directory.api.FsPath;
import io.dyad.directory.api.Volumes;
import io.dyad.rpc.server.HandlerEdge;
import io.dyad.thrift.Applied;
import io.dyad.thrift.BeginUpload;
import io.dyad.thrift.BindFile;
import io.dyad.thrift.ChangeOp;
import io.dyad.thrift.CreateVolume;
import io.dyad.thrift.DeleteVolume;
import io.dyad.thrift.EntryPage;
import io.dyad.thrift.EntryType;
import io.dyad.thrift.FileSystem;
import io.dyad.thrift.GatewayList;
import io.dyad.thrift.Inode;
import io.dyad.thrift.Mkdir;
import io.dyad.thrift.OpenFile;
import io.dyad.thrift.Remove;
import io.dyad.thrift.Rename;
import io.dyad.thrift.Upload;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.thrift.TException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Thrift edge of a DDM: checks names and paths, turns each file operation into a change or a read of the
 * volume's directory pair ({@link VolumeRouter}), hands out locators, and maps errors to the IDL's typed exceptions.
 */
final class FileSystemHandler implements FileSystem.Iface {
  private static final Logger LOG = LoggerFactory.getLogger(FileSystemHandler.class);
  private static final int MAX_PAGE = 10_000;
  /** how long a volume recorded by another DDM may take to reach this one's view */
  private static final Duration RECORD_WAIT = Duration.ofSeconds(5);

  private final DdmConfig config;
  private final ClusterView view;
  private final VolumeRouter router;
  private final VolumeRegistry registry;
  private final ObjectChecker objects;
  private final Optional<Locators> locators;
  private final Clock clock;
  private final HandlerEdge edge;

  /** @param locators signs locators in a cluster with access control (empty without) */
  FileSystemHandler(DdmConfig config, ClusterView view, VolumeRouter router, VolumeRegistry registry,
      ObjectChecker objects, Optional<Locators> locators, Clock clock, MetricRegistry metrics) {
    this.config = config;
    this.view = view;
    this.router = router;
    this.registry = registry;
    this.objects = objects;
    this.locators = locators;
    this.clock = clock;
    this.edge = new HandlerEdge(LOG, "ddm=" + config.instance(), "ddm", metrics);
  }

  @FunctionalInterface
  private interface Call<T> {
    T run() throws DyadException;
  }

  private <T> T call(String method, Call<T> body) throws TException {
    return edge.call(method, body::run);
  }

  private static String path(String path) throws DyadException {
    return FsPath.of(path).toString();
  }

  private String sign(Locator.Operation op, String objectId, Duration life) {
    return locators.map(l -> l.sign(op, objectId, life)).orElse("");
  }

  // ---- volumes ----

  @Override
  public io.dyad.thrift.VolumeInfo createVolume(String name, String requestId) throws TException {
    return call("createVolume", () -> {
      String volume = Volumes.checkName(name);
      Optional<String> named = RequestIds.check(requestId);
      VolumeInfo record = view.current().volumes().get(volume);
      if (record == null) {
        Optional<String> holder = router.searchPair(volume);
        if (holder.isPresent() && named.isEmpty()) {
          // its directories hold it but its record is gone (claims 27-30): put the record back
          registry.create(new VolumeInfo(volume, holder.get(), clock.millis()));
          throw new DyadException(ErrorCode.ALREADY_EXISTS, "volume " + volume + " already exists (on directory pair "
              + holder.get() + "; its missing record was restored)");
        }
        // a named request found on a pair may be an earlier try of its own: the pair tells below
        String pair = holder.isPresent() ? holder.get() : VolumePlacement.choose(view.current()).id();
        record = record(new VolumeInfo(volume, pair, clock.millis()), named.isPresent());
      } else if (named.isEmpty() && holds(volume)) {
        throw new DyadException(ErrorCode.ALREADY_EXISTS, "volume " + volume + " already exists");
      }
      // on the pair (again, if an earlier try recorded the volume but did not get it to its directories); a named
      // request that created it already is answered by the pair, and one that did not is ALREADY_EXISTS there
      String id = named.isPresent() ? RequestIds.forChange(named, "createVolume", volume)
          : "create-volume-" + volume + "-" + record.createdAt();
      router.changeOnPair(record.directoryPair(), volume,
          ChangeOp.createVolume(new CreateVolume(0, config.garbageGrace().toMillis())), id);
      return toThrift(record);
    });
  }

  /**
   * Records a new volume. If another DDM recorded it first, that is ALREADY_EXISTS, except for a named request, which
   * goes on with the record there (an earlier try of its own, through another DDM, may have made it).
   */
  private VolumeInfo record(VolumeInfo record, boolean named) throws DyadException {
    try {
      registry.create(record);
      return record;
    } catch (DyadException e) {
      if (!named || e.code() != ErrorCode.ALREADY_EXISTS) {
        throw e;
      }
      try {
        return view.await(s -> s.volumes().containsKey(record.name()), RECORD_WAIT)
            .map(s -> s.volumes().get(record.name())).orElseThrow(() -> e);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new DyadException(ErrorCode.UNAVAILABLE, "interrupted while reading the record of volume "
            + record.name(), interrupted);
      }
    }
  }

  /** Whether the volume's directories hold it (a recorded volume whose creation did not get to them does not). */
  private boolean holds(String volume) throws DyadException {
    try {
      router.read(volume, (c, epoch) -> c.stat(volume, "/", epoch));
      return true;
    } catch (DyadException e) {
      if (e.code() == ErrorCode.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  private static io.dyad.thrift.VolumeInfo toThrift(VolumeInfo v) {
    return new io.dyad.thrift.VolumeInfo(v.name(), v.directoryPair(), v.createdAt());
  }

  @Override
  public List<io.dyad.thrift.VolumeInfo> listVolumes() throws TException {
    return call("listVolumes", () -> view.current().volumes().values().stream().map(FileSystemHandler::toThrift)
        .toList());
  }

  @Override
  public void deleteVolume(String name, String requestId) throws TException {
    call("deleteVolume", () -> {
      String volume = Volumes.checkName(name);
      String id = RequestIds.forChange(RequestIds.check(requestId), "deleteVolume", volume);
      router.change(volume, ChangeOp.deleteVolume(new DeleteVolume(0)), id);
      registry.delete(volume);
      return null;
    });
  }

  /**
   * What a change made at {@code path}. Directories record it with the change; only a change recorded by an older
   * version and asked for again after its path changed comes without it: the client learns that, not an internal
   * error.
   */
  private static Inode made(Applied applied, String volume, String path) throws DyadException {
    if (!applied.isSetInode()) {
      throw DyadException.notFound("the change was applied earlier (change " + applied.getSeq() + " of volume "
          + volume + "), and what it made at " + path + " has changed since");
    }
    return applied.getInode();
  }

  // ---- directories ----

  @Override
  public Inode mkdir(String volume, String path, boolean parents, String requestId) throws TException {
    return call("mkdir", () -> {
      String v = Volumes.checkName(volume);
      String p = path(path);
      String id = RequestIds.forChange(RequestIds.check(requestId), "mkdir", v, p, Boolean.toString(parents));
      return made(router.change(v, ChangeOp.mkdir(new Mkdir(p, parents, 0, 0)), id), v, p);
    });
  }

  @Override
  public EntryPage listDirectory(String volume, String path, String afterName, int limit) throws TException {
    return call("list", () -> {
      String v = Volumes.checkName(volume);
      String p = path(path);
      if (limit < 1 || limit > MAX_PAGE) {
        throw DyadException.invalidArgument("limit must be 1-" + MAX_PAGE + ", was " + limit);
      }
      String after = afterName == null ? "" : afterName;
      return router.read(v, (c, epoch) -> c.list(v, p, after, limit, epoch));
    });
  }

  @Override
  public Inode stat(String volume, String path) throws TException {
    return call("stat", () -> {
      String v = Volumes.checkName(volume);
      String p = path(path);
      return router.read(v, (c, epoch) -> c.stat(v, p, epoch));
    });
  }

  @Override
  public Inode rename(String volume, String source, String target, String requestId) throws TException {
    return call("rename", () -> {
      String v = Volumes.checkName(volume);
      String from = path(source);
      String to = path(target);
      String id = RequestIds.forChange(RequestIds.check(requestId), "rename", v, from, to);
      return made(router.change(v, ChangeOp.rename(new Rename(from, to, 0)), id), v, to);
    });
  }

  @Override
  public void remove(String volume, String path, boolean recursive, String requestId) throws TException {
    call("remove", () -> {
      String v = Volumes.checkName(volume);
      String p = path(path);
      String id = RequestIds.forChange(RequestIds.check(requestId), "remove", v, p, Boolean.toString(recursive));
      return router.change(v, ChangeOp.remove(new Remove(p, recursive, 0)), id);
    });
  }

  // ---- files ----

  @Override
  public Upload create(String volume, String path, String requestId) throws TException {
    return call("create", () -> {
      String v = Volumes.checkName(volume);
      String p = path(path);
      Optional<String> named = RequestIds.check(requestId);
      // a named request's upload id is its request's: a retry finds the upload the first try began
      String uploadId = RequestIds.forChange(named, "create", v, p);
      String objectId = "fs-" + UUID.randomUUID();
      long expiresAt = clock.millis() + config.uploadLife().toMillis();
      router.change(v, ChangeOp.beginUpload(new BeginUpload(uploadId, objectId, p, expiresAt)), "upload-" + uploadId);
      if (named.isPresent()) {
        // answered, not applied, if an earlier try began it: its object id and expiry are the ones that count
        BeginUpload begun = router.read(v, (c, epoch) -> c.upload(v, uploadId, epoch));
        objectId = begun.getObjectId();
        expiresAt = begun.getExpiresAt();
      }
      return new Upload(uploadId, objectId, sign(Locator.Operation.WRITE, objectId, config.uploadLife()), expiresAt);
    });
  }

  @Override
  public Inode commit(String volume, String path, String uploadId, String objectId, long length, int crc32c,
      String requestId) throws TException {
    return call("commit", () -> {
      String v = Volumes.checkName(volume);
      String p = path(path);
      RequestIds.check(requestId); // the upload id names the change already
      if (uploadId == null || uploadId.isEmpty() || objectId == null || objectId.isEmpty() || length < 0) {
        throw DyadException.invalidArgument("commit needs the upload id and object id create gave, and a length >= 0");
      }
      if (length > 0) {
        objects.check(objectId, length, crc32c);
      } else if (crc32c != 0) {
        throw DyadException.invalidArgument("an empty file has CRC32C 0, not " + Integer.toUnsignedString(crc32c, 16));
      }
      // an empty file needs no object (as in HDFS, an empty file has no blocks): nothing is asked of the DOSMs
      // the upload's id names the request: a commit sent again gets the first one's answer
      return made(router.change(v, ChangeOp.bindFile(new BindFile(p, objectId, length, crc32c, 0, 0)
          .setUploadId(uploadId)), "commit-" + uploadId), v, p);
    });
  }

  @Override
  public OpenFile open(String volume, String path) throws TException {
    return call("open", () -> {
      String v = Volumes.checkName(volume);
      String p = path(path);
      Inode file = router.read(v, (c, epoch) -> c.stat(v, p, epoch));
      if (file.getType() != EntryType.FILE) {
        throw new DyadException(ErrorCode.IS_A_DIRECTORY, v + ":" + p + " is a directory");
      }
      long expiresAt = clock.millis() + config.locatorLife().toMillis();
      return new OpenFile(file, sign(Locator.Operation.READ, file.getObjectId(), config.locatorLife()), expiresAt);
    });
  }

  // ---- gateways ----

  @Override
  public GatewayList listGateways() throws TException {
    return call("listGateways", objects::gateways);
  }

  @Override
  public void ping() {}
}
