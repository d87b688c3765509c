package io.dyad.node.store;

import io.dyad.common.DyadException;
import io.dyad.common.HintPage;
import io.dyad.common.ObjectId;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Durable hints: "member X lacks object O", kept as empty files {@code hints/<member>/<xx>/<yy>/<object id>} (the
 * same fan-out as objects) so that a hint survives a crash once {@link #add} returns (the file and its directory
 * entry are fsynced). The member copies the hinted objects when it returns and then clears the hints.
 *
 * <p>Pages come in fan-out order (bucket, then id), and each page lists only the few bucket directories it
 * covers, so listing a million hints page by page costs one pass, not one pass per page.
 */
final class HintStore {
  private static final Pattern MEMBER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final Pattern TWO_HEX = Pattern.compile("[0-9a-f]{2}");

  private final Path root;

  HintStore(Path root) {
    this.root = root;
  }

  static void checkMember(String member) throws DyadException {
    if (member == null || !MEMBER.matcher(member).matches()) {
      throw DyadException.invalidArgument("'" + member + "' is not a member id");
    }
  }

  /** Records that each of {@code members} lacks {@code id}; durable when it returns. */
  void add(Collection<String> members, ObjectId id) throws DyadException {
    for (String m : members) {
      checkMember(m);
    }
    try {
      for (String m : members) {
        FanoutLayout layout = new FanoutLayout(root.resolve(m));
        Path bucket = layout.bucketDir(FanoutLayout.bucketOf(id));
        if (!Files.isDirectory(bucket)) {
          OwnerOnly.createDirectories(bucket);
          DataDirectory.fsync(bucket.getParent());
          DataDirectory.fsync(bucket.getParent().getParent());
          DataDirectory.fsync(root);
        }
        try {
          OwnerOnly.createFile(bucket.resolve(id.value()));
        } catch (FileAlreadyExistsException already) {
          // the hint is already there
        }
        DataDirectory.fsync(bucket);
      }
    } catch (IOException e) {
      throw IoErrors.translate(e, "recording a hint for object " + id);
    }
  }

  /** Up to {@code limit} hinted ids for {@code member} after {@code cursor} ("" for the start). */
  HintPage list(String member, String cursor, int limit) throws DyadException {
    checkMember(member);
    InventoryCursor from = InventoryCursor.parse(cursor);
    Path base = root.resolve(member);
    List<ObjectId> ids = new ArrayList<>(Math.min(limit, 1024));
    try {
      for (String xx : sortedNames(base, TWO_HEX)) {
        int high = Integer.parseInt(xx, 16);
        if (high < from.bucket() >>> 8) {
          continue;
        }
        for (String yy : sortedNames(base.resolve(xx), TWO_HEX)) {
          int bucket = (high << 8) | Integer.parseInt(yy, 16);
          if (bucket < from.bucket()) {
            continue;
          }
          String after = bucket == from.bucket() ? from.lastId() : null;
          for (String name : sortedNames(base.resolve(xx).resolve(yy), null)) {
            if ((after != null && name.compareTo(after) <= 0) || ObjectId.problemWith(name) != null) {
              continue;
            }
            ids.add(ObjectId.of(name));
            if (ids.size() == limit) {
              return new HintPage(ids, Optional.of(new InventoryCursor(bucket, name).encode()));
            }
          }
        }
      }
    } catch (IOException e) {
      throw IoErrors.translate(e, "listing hints for member " + member);
    }
    return new HintPage(ids, Optional.empty());
  }

  private static TreeSet<String> sortedNames(Path dir, Pattern only) throws IOException {
    TreeSet<String> out = new TreeSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String n = p.getFileName().toString();
        if (only == null || only.matcher(n).matches()) {
          out.add(n);
        }
      }
    } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
      return out;
    }
    return out;
  }

  void clear(String member, Collection<ObjectId> ids) throws DyadException {
    checkMember(member);
    FanoutLayout layout = new FanoutLayout(root.resolve(member));
    try {
      TreeSet<Path> touched = new TreeSet<>();
      for (ObjectId id : ids) {
        Path hint = layout.pathOf(id);
        if (Files.deleteIfExists(hint)) {
          touched.add(hint.getParent());
        }
      }
      for (Path dir : touched) {
        DataDirectory.fsync(dir);
      }
    } catch (IOException e) {
      throw IoErrors.translate(e, "clearing hints for member " + member);
    }
  }

  /** Forgets the hints for {@code ids} of every member (the objects are no longer this pair's). */
  void forgetEverywhere(Collection<ObjectId> ids) throws DyadException {
    if (ids.isEmpty()) {
      return;
    }
    try {
      for (String member : sortedNames(root, MEMBER)) {
        if (Files.isDirectory(root.resolve(member))) {
          clear(member, ids);
        }
      }
    } catch (IOException e) {
      throw IoErrors.translate(e, "forgetting hints of moved objects");
    }
  }

  /** Moves hints kept by older versions directly under {@code hints/<member>/} into the fan-out. */
  void migrateFlatHints() throws IOException {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> members = Files.list(root)) {
      for (Path memberDir : (Iterable<Path>) members::iterator) {
        List<Path> flat;
        try (Stream<Path> files = Files.list(memberDir)) {
          flat = files.filter(Files::isRegularFile).toList();
        }
        FanoutLayout layout = new FanoutLayout(memberDir);
        for (Path f : flat) {
          String name = f.getFileName().toString();
          if (ObjectId.problemWith(name) != null) {
            continue;
          }
          Path target = layout.pathOf(ObjectId.of(name));
          OwnerOnly.createDirectories(target.getParent());
          Files.move(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          DataDirectory.fsync(target.getParent());
        }
        if (!flat.isEmpty()) {
          DataDirectory.fsync(memberDir);
        }
      }
    } catch (DyadException e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
