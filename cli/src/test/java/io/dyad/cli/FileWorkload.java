package io.dyad.cli;

import io.dyad.client.FileEntry;
import io.dyad.client.FileSystemClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32C;

/**
 * One client's run of file operations under a directory of its own, against its own sequential model of that
 * directory: mkdir (never with parents), put (new files and new versions, some empty), rename (files and whole
 * directories), remove (files, empty directories, small trees), get and ls. Every operation is chosen so that it
 * must succeed on the model, and every answer is checked against it, so a change applied twice fails (a second mkdir
 * is AlreadyExists, a second rename or remove NotFound) or leaves a tree {@link #verify} rejects. The first failure
 * ends the run: {@link #failure()}. Not thread-safe: one thread per workload.
 */
final class FileWorkload {
  private final FileSystemClient fs;
  private final String volume;
  private final String root;
  private final Random random;
  private final TreeSet<String> dirs = new TreeSet<>();
  private final TreeMap<String, byte[]> files = new TreeMap<>();
  private int names;
  private int done;
  private long longestNanos;
  private String longestOperation = "";
  private volatile String failure;

  /** Makes {@code root} (a new directory whose parent exists). */
  FileWorkload(FileSystemClient fs, String volume, String root, long seed) throws Exception {
    this.fs = fs;
    this.volume = volume;
    this.root = root;
    this.random = new Random(seed);
    fs.mkdir(volume, root, false);
    dirs.add(root);
  }

  /** Runs {@code operations} operations, or fewer if one fails; {@code progress} is told of each one done. */
  void run(int operations, Runnable progress) {
    for (int i = 0; i < operations && failure == null; i++) {
      String what = "";
      long start = System.nanoTime();
      try {
        what = step();
      } catch (Exception | AssertionError e) {
        failure = "operation " + (done + 1) + " (" + e.getClass().getSimpleName() + "): " + e.getMessage();
        return;
      }
      long took = System.nanoTime() - start;
      if (took > longestNanos) {
        longestNanos = took;
        longestOperation = what;
      }
      done++;
      progress.run();
    }
  }

  int done() {
    return done;
  }

  /** What failed first, or null. */
  String failure() {
    return failure;
  }

  long longestMillis() {
    return longestNanos / 1_000_000;
  }

  String longestOperation() {
    return longestOperation;
  }

  /** One operation the model says must succeed; returns what it was. */
  private String step() throws Exception {
    int dice = random.nextInt(100);
    if (dice < 22 || dirs.size() < 3) {
      String path = pick(dirs) + "/d" + names++;
      expect(fs.mkdir(volume, path, false).directory(), "a directory made at " + path);
      dirs.add(path);
      return "mkdir " + path;
    }
    if (dice < 47 || files.isEmpty()) {
      String path = files.isEmpty() || random.nextBoolean() ? pick(dirs) + "/f" + names++ : pick(files.keySet());
      byte[] data = new byte[random.nextInt(8) == 0 ? 0 : 1 + random.nextInt(4000)];
      random.nextBytes(data);
      FileEntry written = fs.put(volume, path, () -> new ByteArrayInputStream(data), data.length);
      expect(written.length() == data.length, path + " written with " + data.length + " bytes: " + written.length());
      files.put(path, data);
      return "put " + path;
    }
    if (dice < 60) {
      String source = random.nextInt(3) == 0 && dirs.size() > 1 ? pick(dirs.tailSet(root, false)) : pick(files.keySet());
      List<String> targets = dirs.stream().filter(d -> !d.equals(source) && !d.startsWith(source + "/")).toList();
      String target = targets.get(random.nextInt(targets.size())) + "/r" + names++;
      fs.rename(volume, source, target);
      move(source, target);
      return "rename " + source + " " + target;
    }
    if (dice < 70) {
      List<String> removable = new ArrayList<>(files.keySet());
      dirs.tailSet(root, false).stream().filter(d -> dirs.tailSet(d, false).stream().noneMatch(x -> x.startsWith(d + "/"))
          && files.keySet().stream().noneMatch(f -> f.startsWith(d + "/"))).forEach(removable::add);
      boolean tree = random.nextInt(4) == 0 && dirs.size() > 1;
      String path = tree ? pick(dirs.tailSet(root, false)) : pick(removable);
      fs.delete(volume, path, tree);
      dirs.removeIf(d -> d.equals(path) || d.startsWith(path + "/"));
      files.keySet().removeIf(f -> f.equals(path) || f.startsWith(path + "/"));
      return "remove " + path + (tree ? " (tree)" : "");
    }
    if (dice < 85) {
      String path = pick(files.keySet());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      fs.get(volume, path, out);
      expect(Arrays.equals(out.toByteArray(), files.get(path)), path + " reads as written");
      return "get " + path;
    }
    String dir = pick(dirs);
    List<String> listed = new ArrayList<>();
    fs.list(volume, dir, e -> listed.add(e.name()));
    expect(listed.equals(children(dir)), "ls " + dir + " gives " + listed + ", not " + children(dir));
    return "ls " + dir;
  }

  /** The model's names directly in {@code dir}, in order. */
  private List<String> children(String dir) {
    TreeSet<String> out = new TreeSet<>();
    for (String p : dirs.tailSet(dir, false)) {
      if (p.startsWith(dir + "/") && p.indexOf('/', dir.length() + 1) < 0) {
        out.add(p.substring(dir.length() + 1));
      }
    }
    for (String p : files.keySet()) {
      if (p.startsWith(dir + "/") && p.indexOf('/', dir.length() + 1) < 0) {
        out.add(p.substring(dir.length() + 1));
      }
    }
    return List.copyOf(out);
  }

  private void move(String source, String target) {
    TreeSet<String> movedDirs = new TreeSet<>();
    dirs.removeIf(d -> {
      if (d.equals(source) || d.startsWith(source + "/")) {
        movedDirs.add(target + d.substring(source.length()));
        return true;
      }
      return false;
    });
    dirs.addAll(movedDirs);
    Map<String, byte[]> movedFiles = new TreeMap<>();
    files.entrySet().removeIf(f -> {
      if (f.getKey().equals(source) || f.getKey().startsWith(source + "/")) {
        movedFiles.put(target + f.getKey().substring(source.length()), f.getValue());
        return true;
      }
      return false;
    });
    files.putAll(movedFiles);
  }

  private String pick(java.util.Collection<String> from) {
    int i = random.nextInt(from.size());
    return from.stream().skip(i).findFirst().orElseThrow();
  }

  private static void expect(boolean condition, String what) {
    if (!condition) {
      throw new AssertionError(what);
    }
  }

  /**
   * The tree under the root as the cluster holds it, walked afresh, against the model: the same directories, the
   * same files with the same lengths and CRC32Cs; null if they agree, else the first difference.
   */
  String verify() throws Exception {
    TreeSet<String> seenDirs = new TreeSet<>(List.of(root));
    TreeMap<String, String> seenFiles = new TreeMap<>();
    List<String> todo = new ArrayList<>(List.of(root));
    while (!todo.isEmpty()) {
      String dir = todo.remove(todo.size() - 1);
      List<FileEntry> entries = new ArrayList<>();
      fs.list(volume, dir, entries::add);
      for (FileEntry e : entries) {
        String path = dir + "/" + e.name();
        if (e.directory()) {
          seenDirs.add(path);
          todo.add(path);
        } else {
          seenFiles.put(path, e.length() + "/" + Integer.toHexString(e.crc32c()));
        }
      }
    }
    TreeMap<String, String> expected = new TreeMap<>();
    files.forEach((p, data) -> {
      CRC32C crc = new CRC32C();
      crc.update(data);
      expected.put(p, data.length + "/" + Integer.toHexString(data.length == 0 ? 0 : (int) crc.getValue()));
    });
    if (!seenDirs.equals(dirs)) {
      return "directories " + seenDirs + ", the model " + dirs;
    }
    if (!seenFiles.equals(expected)) {
      return "files " + seenFiles + ", the model " + expected;
    }
    return null;
  }

  /** Paths in the model now: directories and files. */
  int size() {
    return dirs.size() + files.size();
  }
}
