package io.dyad.directory.namespace;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.directory.api.FsPath;
import io.dyad.thrift.Applied;
import io.dyad.thrift.BeginUpload;
import io.dyad.thrift.BindFile;
import io.dyad.thrift.Change;
import io.dyad.thrift.ChangeOp;
import io.dyad.thrift.CreateVolume;
import io.dyad.thrift.EntryType;
import io.dyad.thrift.ForgetGarbage;
import io.dyad.thrift.GarbageItem;
import io.dyad.thrift.Inode;
import io.dyad.thrift.Mkdir;
import io.dyad.thrift.Remove;
import io.dyad.thrift.Rename;
import io.dyad.thrift.VolumeRecord;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Applies one change to a volume: checks it against the volume's state and writes its effects into the change's
 * batch. Deterministic: everything a change needs (new inode ids, times) is in the change, so two identical
 * volumes stay identical. A change that does not apply (a missing parent, an existing target...) fails with the
 * typed error a client should see and writes nothing.
 */
final class ChangeApplier {
  private final ThriftCodec codec;

  ChangeApplier(ThriftCodec codec) {
    this.codec = codec;
  }

  /** @param volume the volume's record before the change (empty for a volume being created) */
  VolumeRecord apply(ChangeOp op, Optional<VolumeRecord> volume, VolumeTxn txn) throws DyadException {
    if (op.isSetCreateVolume()) {
      return createVolume(op.getCreateVolume(), volume, txn);
    }
    VolumeRecord v = volume.filter(r -> !r.isDeleted())
        .orElseThrow(() -> DyadException.notFound("volume " + txn.volume + " does not exist")).deepCopy();
    switch (op.getSetField()) {
      case MKDIR -> mkdir(op.getMkdir(), v, txn);
      case BEGIN_UPLOAD -> beginUpload(op.getBeginUpload(), txn);
      case BIND_FILE -> bindFile(op.getBindFile(), v, txn);
      case RENAME -> rename(op.getRename(), txn);
      case REMOVE -> remove(op.getRemove(), v, txn);
      case FORGET_GARBAGE -> forgetGarbage(op.getForgetGarbage(), txn);
      case DELETE_VOLUME -> deleteVolume(v, txn);
      default -> throw DyadException.invalidArgument("unknown change " + op.getSetField());
    }
    return v;
  }

  /**
   * The answer to a change just applied in {@code txn}, from the volume as the change left it (later changes of its
   * group not yet applied): its number and the inode at its path — the directory a mkdir made or found, the file a
   * bind wrote, what a rename moved, a new volume's root; no inode for the other changes.
   */
  Applied answer(Change change, VolumeTxn txn) throws DyadException {
    Applied a = new Applied(change.getSeq());
    String path = pathOf(change.getOp());
    if (path != null) {
      a.setInode(txn.resolve(FsPath.of(path)));
    }
    return a;
  }

  /** The path whose inode answers a change, or null if none does. */
  static String pathOf(ChangeOp op) {
    return switch (op.getSetField()) {
      case MKDIR -> op.getMkdir().getPath();
      case BIND_FILE -> op.getBindFile().getPath();
      case RENAME -> op.getRename().getTarget();
      case CREATE_VOLUME -> "/";
      default -> null;
    };
  }

  private VolumeRecord createVolume(CreateVolume c, Optional<VolumeRecord> volume, VolumeTxn txn)
      throws DyadException {
    if (volume.isPresent() && !volume.get().isDeleted()) {
      throw new DyadException(ErrorCode.ALREADY_EXISTS, "volume " + txn.volume + " already exists");
    }
    txn.putInode(new Inode(VolumeTxn.ROOT, EntryType.DIRECTORY, 0, "", c.getTime(), c.getTime(), 1));
    // a volume created again goes on from its old numbers: its log (and any garbage left) stays in order
    long lastSeq = volume.map(VolumeRecord::getLastSeq).orElse(0L);
    long nextInode = volume.map(VolumeRecord::getNextInode).orElse(VolumeTxn.ROOT + 1);
    return new VolumeRecord(lastSeq, nextInode, c.getGarbageGraceMillis(), c.getTime());
  }

  private static void deleteVolume(VolumeRecord v, VolumeTxn txn) throws DyadException {
    if (txn.hasChildren(VolumeTxn.ROOT)) {
      throw new DyadException(ErrorCode.NOT_EMPTY, "volume " + txn.volume + " is not empty");
    }
    txn.deleteInode(VolumeTxn.ROOT);
    v.setDeleted(true);
  }

  private void mkdir(Mkdir m, VolumeRecord v, VolumeTxn txn) throws DyadException {
    FsPath path = FsPath.of(m.getPath());
    if (path.isRoot()) {
      if (m.isParents()) {
        return;
      }
      throw new DyadException(ErrorCode.ALREADY_EXISTS, txn.volume + ":/ already exists");
    }
    Inode at = txn.resolve(FsPath.ROOT);
    long next = m.getFirstInode();
    List<String> parts = path.components();
    for (int k = 0; k < parts.size(); k++) {
      boolean last = k == parts.size() - 1;
      String name = parts.get(k);
      Optional<Long> existing = txn.child(at.getId(), name);
      if (existing.isPresent()) {
        Inode found = txn.inode(existing.get()).orElseThrow();
        if (found.getType() != EntryType.DIRECTORY) {
          throw new DyadException(ErrorCode.NOT_A_DIRECTORY, txn.volume + ":/" + String.join("/",
              parts.subList(0, k + 1)) + " is a file, not a directory");
        }
        if (last && !m.isParents()) {
          throw new DyadException(ErrorCode.ALREADY_EXISTS, txn.volume + ":" + path + " already exists");
        }
        at = found;
        continue;
      }
      if (!last && !m.isParents()) {
        throw DyadException.notFound("no such directory: " + txn.volume + ":/" + String.join("/",
            parts.subList(0, k + 1)) + " (create parents with -p)");
      }
      Inode dir = new Inode(next++, EntryType.DIRECTORY, at.getId(), name, m.getTime(), m.getTime(), 1);
      txn.putInode(dir);
      txn.putEntry(at.getId(), name, dir.getId());
      touch(at, m.getTime(), txn);
      at = dir;
    }
    v.setNextInode(Math.max(v.getNextInode(), next));
  }

  private void beginUpload(BeginUpload u, VolumeTxn txn) throws DyadException {
    FsPath path = FsPath.of(u.getPath());
    checkFileTarget(path, txn);
    txn.putUpload(u.getUploadId(), codec.encode(u));
  }

  /** A file may be written at {@code path}: its parent is a directory, and it is not itself a directory. */
  private static Optional<Inode> checkFileTarget(FsPath path, VolumeTxn txn) throws DyadException {
    if (path.isRoot()) {
      throw new DyadException(ErrorCode.IS_A_DIRECTORY, txn.volume + ":/ is a directory");
    }
    Optional<Inode> existing = txn.lookup(path);
    if (existing.isPresent() && existing.get().getType() == EntryType.DIRECTORY) {
      throw new DyadException(ErrorCode.IS_A_DIRECTORY, txn.volume + ":" + path + " is a directory");
    }
    return existing;
  }

  private void bindFile(BindFile b, VolumeRecord v, VolumeTxn txn) throws DyadException {
    FsPath path = FsPath.of(b.getPath());
    if (b.isSetUploadId()) {
      checkUpload(b, txn);
    }
    Optional<Inode> existing = checkFileTarget(path, txn);
    Inode parent = txn.resolveDirectory(path.parent());
    if (existing.isPresent()) {
      Inode old = existing.get();
      if (old.isSetObjectId() && !old.getObjectId().equals(b.getObjectId())) {
        txn.addGarbage(b.getTime() + v.getGarbageGraceMillis(), old.getObjectId());
      }
      txn.putInode(old.deepCopy().setObjectId(b.getObjectId()).setLength(b.getLength()).setCrc32c(b.getCrc32c())
          .setModifiedAt(b.getTime()).setVersion(old.getVersion() + 1));
    } else {
      Inode file = new Inode(b.getInode(), EntryType.FILE, parent.getId(), path.name(), b.getTime(), b.getTime(), 1)
          .setObjectId(b.getObjectId()).setLength(b.getLength()).setCrc32c(b.getCrc32c());
      txn.putInode(file);
      txn.putEntry(parent.getId(), path.name(), file.getId());
      v.setNextInode(Math.max(v.getNextInode(), b.getInode() + 1));
    }
    touch(parent, b.getTime(), txn);
    if (b.isSetUploadId()) {
      txn.deleteUpload(b.getUploadId());
    }
  }

  /** A commit binds only a pending upload of that object at that path, before the upload expires. */
  private void checkUpload(BindFile b, VolumeTxn txn) throws DyadException {
    Optional<BeginUpload> u = txn.upload(b.getUploadId());
    if (u.isEmpty()) {
      throw DyadException.notFound("upload " + b.getUploadId() + " of volume " + txn.volume
          + " is not pending (it was committed already, or abandoned)");
    }
    if (!u.get().getObjectId().equals(b.getObjectId()) || !u.get().getPath().equals(b.getPath())) {
      throw DyadException.invalidArgument("upload " + b.getUploadId() + " is of object " + u.get().getObjectId()
          + " at " + u.get().getPath() + ", not of " + b.getObjectId() + " at " + b.getPath());
    }
    if (b.getTime() > u.get().getExpiresAt()) {
      throw DyadException.notFound("upload " + b.getUploadId() + " expired before it was committed");
    }
  }

  private void rename(Rename r, VolumeTxn txn) throws DyadException {
    FsPath source = FsPath.of(r.getSource());
    FsPath target = FsPath.of(r.getTarget());
    if (source.isRoot() || target.isRoot()) {
      throw DyadException.invalidArgument("the root of volume " + txn.volume + " cannot be renamed or replaced");
    }
    Inode moving = txn.resolve(source);
    if (moving.getType() == EntryType.DIRECTORY && source.contains(target)) {
      throw DyadException.invalidArgument("cannot move " + txn.volume + ":" + source + " into itself ("
          + target + ")");
    }
    Inode newParent = txn.resolveDirectory(target.parent());
    if (txn.child(newParent.getId(), target.name()).isPresent()) {
      throw new DyadException(ErrorCode.ALREADY_EXISTS, txn.volume + ":" + target + " already exists");
    }
    Inode oldParent = txn.inode(moving.getParent()).orElseThrow();
    txn.deleteEntry(oldParent.getId(), moving.getName());
    txn.putEntry(newParent.getId(), target.name(), moving.getId());
    txn.putInode(moving.deepCopy().setParent(newParent.getId()).setName(target.name())
        .setVersion(moving.getVersion() + 1));
    touch(txn.inode(oldParent.getId()).orElseThrow(), r.getTime(), txn);
    if (newParent.getId() != oldParent.getId()) {
      touch(txn.inode(newParent.getId()).orElseThrow(), r.getTime(), txn);
    }
  }

  private void remove(Remove r, VolumeRecord v, VolumeTxn txn) throws DyadException {
    FsPath path = FsPath.of(r.getPath());
    if (path.isRoot()) {
      throw DyadException.invalidArgument("the root of volume " + txn.volume + " cannot be removed");
    }
    Inode gone = txn.resolve(path);
    if (gone.getType() == EntryType.DIRECTORY && !r.isRecursive() && txn.hasChildren(gone.getId())) {
      throw new DyadException(ErrorCode.NOT_EMPTY, txn.volume + ":" + path + " is not empty");
    }
    long due = r.getTime() + v.getGarbageGraceMillis();
    Deque<Inode> todo = new ArrayDeque<>();
    todo.push(gone);
    while (!todo.isEmpty()) {
      Inode i = todo.pop();
      if (i.getType() == EntryType.DIRECTORY) {
        for (String name : txn.childNames(i.getId())) {
          long child = txn.child(i.getId(), name).orElseThrow();
          todo.push(txn.inode(child).orElseThrow());
          txn.deleteEntry(i.getId(), name);
        }
      } else if (i.isSetObjectId()) {
        txn.addGarbage(due, i.getObjectId());
      }
      txn.deleteInode(i.getId());
    }
    Inode parent = txn.inode(gone.getParent()).orElseThrow();
    txn.deleteEntry(parent.getId(), gone.getName());
    touch(parent, r.getTime(), txn);
  }

  private void forgetGarbage(ForgetGarbage f, VolumeTxn txn) throws DyadException {
    for (GarbageItem g : f.getItems()) {
      txn.forgetGarbage(g.getDue(), g.getObjectId());
    }
    for (String id : f.getUploadIds()) {
      Optional<BeginUpload> upload = txn.upload(id);
      if (upload.isPresent()) { // abandoned: its object (if it was ever written) is garbage from now
        txn.addGarbage(upload.get().getExpiresAt(), upload.get().getObjectId());
        txn.deleteUpload(id);
      }
    }
  }

  /** A directory's entries changed: its modification time and version move on. */
  private static void touch(Inode dir, long time, VolumeTxn txn) throws DyadException {
    txn.putInode(dir.deepCopy().setModifiedAt(Math.max(dir.getModifiedAt(), time)).setVersion(dir.getVersion() + 1));
  }
}
