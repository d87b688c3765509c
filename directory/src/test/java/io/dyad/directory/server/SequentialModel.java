package io.dyad.directory.server;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.directory.api.FsPath;
import io.dyad.directory.namespace.NamespaceStore;
import io.dyad.thrift.Applied;
import io.dyad.thrift.Change;
import io.dyad.thrift.ChangeOp;
import java.util.HashMap;
import java.util.Map;

/**
 * What a primary should answer, worked out one request at a time: each request is decided and applied alone on a
 * store of its own, and its answer is what its path holds right after (the inode a mkdir made or found, a bind wrote,
 * a rename moved; nothing for the other changes). A request id answered before is answered the same again, whatever
 * happened since. Not thread-safe.
 */
final class SequentialModel {
  /** A request's answer: what it left, or the code of the typed error it got (exactly one is set). */
  record Outcome(Applied applied, ErrorCode error) {
    static Outcome of(Applied a) {
      return new Outcome(a, null);
    }

    static Outcome of(DyadException e) {
      return new Outcome(null, e.code());
    }

    @Override
    public String toString() {
      return error != null ? error.name() : applied.toString();
    }
  }

  private final NamespaceStore store;
  private final String volume;
  private final long now;
  private final Map<String, Outcome> answered = new HashMap<>();

  /** @param now the primary's clock reading, fixed (the decisions carry the time) */
  SequentialModel(NamespaceStore store, String volume, long now) {
    this.store = store;
    this.volume = volume;
    this.now = now;
  }

  Outcome apply(ChangeOp op, String requestId) {
    Outcome before = requestId.isEmpty() ? null : answered.get(requestId);
    if (before != null) {
      return before;
    }
    Outcome out;
    try {
      Change c = store.decideAndApply(volume, current -> Decisions.decide(op, current, now));
      Applied a = new Applied(c.getSeq());
      String path = pathOf(op);
      if (path != null) {
        a.setInode(store.stat(volume, FsPath.of(path)));
      }
      out = Outcome.of(a);
    } catch (DyadException e) {
      return Outcome.of(e);
    }
    if (!requestId.isEmpty()) {
      answered.put(requestId, out);
    }
    return out;
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
}
