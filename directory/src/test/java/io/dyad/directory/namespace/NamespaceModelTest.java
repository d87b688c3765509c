package io.dyad.directory.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.directory.api.FsPath;
import io.dyad.thrift.BindFile;
import io.dyad.thrift.Change;
import io.dyad.thrift.ChangeOp;
import io.dyad.thrift.CreateVolume;
import io.dyad.thrift.EntryType;
import io.dyad.thrift.Inode;
import io.dyad.thrift.Mkdir;
import io.dyad.thrift.Remove;
import io.dyad.thrift.Rename;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random operations against the store and against a simple model (a map from path to "directory" or the file's
 * object): the store gives the same answers, errors included, and ends with the same tree; a second store that
 * replays the first one's log ends with the same digest. With several clients at once, the log is the order the
 * model replays.
 */
class NamespaceModelTest {
  private static final String VOL = "model";
  private static final String[] NAMES = {"a", "b", "c", "d"};

  @TempDir Path dir;

  /** The tree as absolute path to "/" (a directory) or the file's object id. */
  private static final class Model {
    final TreeMap<String, String> nodes = new TreeMap<>(Map.of("/", "/"));

    static String parent(String p) {
      int i = p.lastIndexOf('/');
      return i == 0 ? "/" : p.substring(0, i);
    }

    boolean isDir(String p) {
      return "/".equals(nodes.get(p));
    }

    /** The error an operation gets, or null if it applies (and then it is applied). */
    ErrorCode apply(ChangeOp op) {
      switch (op.getSetField()) {
        case MKDIR: {
          Mkdir m = op.getMkdir();
          List<String> prefixes = prefixes(m.getPath());
          for (int k = 0; k < prefixes.size(); k++) {
            String p = prefixes.get(k);
            boolean last = k == prefixes.size() - 1;
            if (nodes.containsKey(p)) {
              if (!isDir(p)) {
                return ErrorCode.NOT_A_DIRECTORY;
              }
              if (last && !m.isParents()) {
                return ErrorCode.ALREADY_EXISTS;
              }
            } else if (!last && !m.isParents()) {
              return ErrorCode.NOT_FOUND;
            }
          }
          prefixes.forEach(p -> nodes.putIfAbsent(p, "/"));
          return null;
        }
        case BIND_FILE: {
          String p = op.getBindFile().getPath();
          ErrorCode parent = directoryError(parent(p));
          if (parent != null) {
            return parent;
          }
          if (isDir(p)) {
            return ErrorCode.IS_A_DIRECTORY;
          }
          nodes.put(p, op.getBindFile().getObjectId());
          return null;
        }
        case RENAME: {
          String s = op.getRename().getSource();
          String t = op.getRename().getTarget();
          ErrorCode source = pathError(s);
          if (source != null) {
            return source;
          }
          if (isDir(s) && (t.equals(s) || t.startsWith(s + "/"))) {
            return ErrorCode.INVALID_ARGUMENT;
          }
          ErrorCode parent = directoryError(parent(t));
          if (parent != null) {
            return parent;
          }
          if (nodes.containsKey(t)) {
            return ErrorCode.ALREADY_EXISTS;
          }
          Map<String, String> moved = new TreeMap<>();
          for (Map.Entry<String, String> e : new ArrayList<>(nodes.subMap(s, true, s + "/\uffff", true).entrySet())) {
            if (e.getKey().equals(s) || e.getKey().startsWith(s + "/")) {
              moved.put(t + e.getKey().substring(s.length()), e.getValue());
              nodes.remove(e.getKey());
            }
          }
          nodes.putAll(moved);
          return null;
        }
        default: {
          Remove r = op.getRemove();
          String p = r.getPath();
          ErrorCode path = pathError(p);
          if (path != null) {
            return path;
          }
          boolean hasChildren = nodes.keySet().stream().anyMatch(k -> k.startsWith(p + "/"));
          if (hasChildren && !r.isRecursive()) {
            return ErrorCode.NOT_EMPTY;
          }
          nodes.keySet().removeIf(k -> k.equals(p) || k.startsWith(p + "/"));
          return null;
        }
      }
    }

    private ErrorCode pathError(String p) {
      ErrorCode parent = directoryError(parent(p));
      return parent != null ? parent : nodes.containsKey(p) ? null : ErrorCode.NOT_FOUND;
    }

    /** Why {@code p} cannot be used as a directory (null if it can). */
    private ErrorCode directoryError(String p) {
      for (String prefix : prefixes(p)) {
        if (!nodes.containsKey(prefix)) {
          return ErrorCode.NOT_FOUND;
        }
        if (!isDir(prefix)) {
          return ErrorCode.NOT_A_DIRECTORY;
        }
      }
      return null;
    }

    private static List<String> prefixes(String p) {
      List<String> out = new ArrayList<>();
      if (p.equals("/")) {
        return out;
      }
      int i = 0;
      while ((i = p.indexOf('/', i + 1)) > 0) {
        out.add(p.substring(0, i));
      }
      out.add(p);
      return out;
    }
  }

  private static String randomPath(Random r) {
    StringBuilder b = new StringBuilder();
    int depth = 1 + r.nextInt(3);
    for (int i = 0; i < depth; i++) {
      b.append('/').append(NAMES[r.nextInt(NAMES.length)]);
    }
    return b.toString();
  }

  private static Change randomChange(NamespaceStore store, Random r, AtomicLong clock) throws DyadException {
    int kind = r.nextInt(10);
    String p = randomPath(r);
    return store.decideAndApply(VOL, v -> {
      long next = v.orElseThrow().getNextInode();
      long time = clock.incrementAndGet();
      if (kind < 3) {
        return ChangeOp.mkdir(new Mkdir(p, r.nextBoolean(), next, time));
      } else if (kind < 6) {
        return ChangeOp.bindFile(new BindFile(p, "obj-" + time, time, (int) time, next, time));
      } else if (kind < 8) {
        return ChangeOp.rename(new Rename(p, randomPath(r), time));
      }
      return ChangeOp.remove(new Remove(p, r.nextInt(3) == 0, time));
    });
  }

  /** The store's tree, walked from the root: path to "/" or the object id. */
  private static Map<String, String> tree(NamespaceStore store) throws DyadException {
    Map<String, String> out = new TreeMap<>();
    walk(store, FsPath.ROOT, out);
    return out;
  }

  private static void walk(NamespaceStore store, FsPath dir, Map<String, String> out) throws DyadException {
    out.put(dir.toString(), "/");
    String cursor = "";
    while (true) {
      NamespaceStore.ListPage page = store.list(VOL, dir, cursor, 7);
      for (Inode i : page.entries()) {
        FsPath child = dir.child(i.getName());
        if (i.getType() == EntryType.DIRECTORY) {
          walk(store, child, out);
        } else {
          out.put(child.toString(), i.getObjectId());
        }
      }
      if (page.next().isEmpty()) {
        return;
      }
      cursor = page.next().get();
    }
  }

  private NamespaceStore open(String name) throws DyadException {
    NamespaceStore s = new NamespaceStore(dir.resolve(name));
    s.startAsync().awaitRunning();
    return s;
  }

  @Test
  void theStoreAnswersAsTheModelDoesOperationByOperation() throws Exception {
    NamespaceStore store = open("one");
    try {
      store.decideAndApply(VOL, v -> ChangeOp.createVolume(new CreateVolume(0, 1000)));
      Model model = new Model();
      Random r = new Random(42);
      AtomicLong clock = new AtomicLong();
      int failures = 0;
      for (int i = 0; i < 1500; i++) {
        long lastBefore = store.volume(VOL).orElseThrow().getLastSeq();
        ErrorCode got = null;
        try {
          randomChange(store, r, clock);
        } catch (DyadException e) {
          got = e.code();
          failures++;
        }
        Change applied = got == null ? store.log(VOL, lastBefore + 1, 1).get(0) : null;
        ErrorCode expected = got == null ? model.apply(applied.getOp()) : null;
        assertThat(expected).as("operation %d succeeded in the store; the model", i).isNull();
        if (got != null) {
          assertThat(store.volume(VOL).orElseThrow().getLastSeq()).as("a refused change writes nothing")
              .isEqualTo(lastBefore);
        }
      }
      assertThat(failures).as("some operations were refused, some applied").isBetween(100, 1400);
      assertThat(tree(store)).isEqualTo(model.nodes);
    } finally {
      store.stopAsync().awaitTerminated();
    }
  }

  @Test
  void refusedOperationsGetTheErrorTheModelPredicts() throws Exception {
    NamespaceStore store = open("errors");
    try {
      store.decideAndApply(VOL, v -> ChangeOp.createVolume(new CreateVolume(0, 1000)));
      Model model = new Model();
      Random r = new Random(7);
      AtomicLong clock = new AtomicLong();
      for (int i = 0; i < 1500; i++) {
        int kind = r.nextInt(10);
        String p = randomPath(r);
        String q = randomPath(r);
        boolean flag = r.nextBoolean();
        long time = clock.incrementAndGet();
        long next = store.volume(VOL).orElseThrow().getNextInode();
        ChangeOp op = kind < 3 ? ChangeOp.mkdir(new Mkdir(p, flag, next, time))
            : kind < 6 ? ChangeOp.bindFile(new BindFile(p, "obj-" + time, 1, 1, next, time))
            : kind < 8 ? ChangeOp.rename(new Rename(p, q, time))
            : ChangeOp.remove(new Remove(p, flag, time));
        ErrorCode got = null;
        try {
          store.decideAndApply(VOL, v -> op);
        } catch (DyadException e) {
          got = e.code();
        }
        assertThat(got).as("operation %d: %s", i, op).isEqualTo(model.apply(op));
      }
      assertThat(tree(store)).isEqualTo(model.nodes);
    } finally {
      store.stopAsync().awaitTerminated();
    }
  }

  @Test
  void concurrentClientsEndWithTheTreeTheLogDescribesAndAReplicaThatReplaysItIsIdentical() throws Exception {
    NamespaceStore primary = open("primary");
    NamespaceStore duplicate = open("duplicate");
    try {
      primary.decideAndApply(VOL, v -> ChangeOp.createVolume(new CreateVolume(0, 1000)));
      AtomicLong clock = new AtomicLong();
      ExecutorService clients = Executors.newFixedThreadPool(4);
      List<Future<Integer>> done = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        Random r = new Random(100 + c);
        done.add(clients.submit(() -> {
          int acknowledged = 0;
          for (int i = 0; i < 400; i++) {
            try {
              randomChange(primary, r, clock);
              acknowledged++;
            } catch (DyadException refused) {
              // the model says the same for this order (checked by replay below)
            }
          }
          return acknowledged;
        }));
      }
      int acknowledged = 0;
      for (Future<Integer> f : done) {
        acknowledged += f.get();
      }
      clients.shutdown();
      List<Change> log = primary.log(VOL, 1, 100_000);
      assertThat(log).as("every acknowledged change has its place in the order").hasSize(acknowledged + 1);
      Model model = new Model();
      for (Change c : log.subList(1, log.size())) {
        assertThat(model.apply(c.getOp())).as("change %d replays in the model", c.getSeq()).isNull();
      }
      assertThat(tree(primary)).isEqualTo(model.nodes);
      for (Change c : log) {
        duplicate.apply(c);
      }
      assertThat(duplicate.digest(VOL)).isEqualTo(primary.digest(VOL));
      assertThat(tree(duplicate)).isEqualTo(model.nodes);
    } finally {
      primary.stopAsync().awaitTerminated();
      duplicate.stopAsync().awaitTerminated();
    }
  }
}
