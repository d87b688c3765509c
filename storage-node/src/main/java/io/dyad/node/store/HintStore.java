package io.dyad.node.store;

import io.dyad.common.DyadException;
import io.dyad.common.ObjectId;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Durable hints: "member X lacks object O", kept as empty files {@code hints/<member>/<object id>} so that a
 * hint survives a crash once {@link #add} returns (the file and its directory entry are fsynced). The member
 * copies the hinted objects when it returns and then clears the hints.
 */
final class HintStore {
  private static final Pattern MEMBER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

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
        Path dir = root.resolve(m);
        if (!Files.isDirectory(dir)) {
          Files.createDirectories(dir);
          DataDirectory.fsync(root);
        }
        try {
          Files.createFile(dir.resolve(id.value()));
        } catch (FileAlreadyExistsException already) {
          // the hint is already there
        }
        DataDirectory.fsync(dir);
      }
    } catch (IOException e) {
      throw IoErrors.translate(e, "recording a hint for object " + id);
    }
  }

  /** Up to {@code limit} hinted ids for {@code member}, in id order, after {@code afterId} (if given). */
  List<ObjectId> list(String member, Optional<String> afterId, int limit) throws DyadException {
    checkMember(member);
    Path dir = root.resolve(member);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<String> names = files.map(p -> p.getFileName().toString())
          .filter(n -> ObjectId.problemWith(n) == null)
          .filter(n -> afterId.isEmpty() || n.compareTo(afterId.get()) > 0)
          .sorted().limit(limit).toList();
      List<ObjectId> ids = new ArrayList<>(names.size());
      for (String n : names) {
        ids.add(ObjectId.of(n));
      }
      return ids;
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw IoErrors.translate(e, "listing hints for member " + member);
    }
  }

  void clear(String member, Collection<ObjectId> ids) throws DyadException {
    checkMember(member);
    Path dir = root.resolve(member);
    try {
      for (ObjectId id : ids) {
        Files.deleteIfExists(dir.resolve(id.value()));
      }
      if (Files.isDirectory(dir)) {
        DataDirectory.fsync(dir);
      }
    } catch (IOException e) {
      throw IoErrors.translate(e, "clearing hints for member " + member);
    }
  }
}
