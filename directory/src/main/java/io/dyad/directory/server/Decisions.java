package io.dyad.directory.server;

import io.dyad.common.DyadException;
import io.dyad.thrift.ChangeOp;
import io.dyad.thrift.VolumeRecord;
import java.util.Optional;

/**
 * What the primary fixes in a change a DDM asks for: new inode ids (the volume's next free one) and the time (the
 * primary's clock), whatever the request held. Everything else is the request's.
 */
final class Decisions {
  private Decisions() {}

  static ChangeOp decide(ChangeOp request, Optional<VolumeRecord> volume, long now) throws DyadException {
    if (!request.isSet()) {
      throw DyadException.invalidArgument("an empty change");
    }
    ChangeOp op = request.deepCopy();
    long nextInode = volume.map(VolumeRecord::getNextInode).orElse(0L);
    switch (op.getSetField()) {
      case CREATE_VOLUME -> {
        if (op.getCreateVolume().getGarbageGraceMillis() <= 0) {
          throw DyadException.invalidArgument("a volume's garbage grace must be positive");
        }
        op.getCreateVolume().setTime(now);
      }
      case MKDIR -> op.getMkdir().setFirstInode(nextInode).setTime(now);
      case BIND_FILE -> op.getBindFile().setInode(nextInode).setTime(now);
      case RENAME -> op.getRename().setTime(now);
      case REMOVE -> op.getRemove().setTime(now);
      case DELETE_VOLUME -> op.getDeleteVolume().setTime(now);
      case BEGIN_UPLOAD, FORGET_GARBAGE -> {
        // decided by the DDM: ids it made, garbage it deleted
      }
      default -> throw DyadException.invalidArgument("unknown change " + op.getSetField());
    }
    return op;
  }
}
