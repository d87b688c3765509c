package io.dyad.node.store;

import io.dyad.common.DyadException;
import io.dyad.common.InventoryPage;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Lists a store's objects and tombstones page by page in a stable order: fan-out bucket, then id. Two
 * members with the same objects list them identically, so their inventories can be compared by merging.
 */
final class InventoryLister {
  /** Reads one entry's metadata; returns empty if the entry vanished or was found corrupt (and set aside). */
  interface MetaReader {
    Optional<ObjectMeta> read(ObjectId id) throws DyadException;
  }

  static final int MAX_PAGE = 10_000;

  private final FanoutLayout layout;
  private final MetaReader reader;

  InventoryLister(FanoutLayout layout, MetaReader reader) {
    this.layout = layout;
    this.reader = reader;
  }

  InventoryPage page(String cursor, int limit) throws DyadException {
    if (limit < 1 || limit > MAX_PAGE) {
      throw DyadException.invalidArgument("inventory page size must be between 1 and " + MAX_PAGE + ", was " + limit);
    }
    InventoryCursor from = InventoryCursor.parse(cursor);
    List<ObjectMeta> entries = new ArrayList<>(Math.min(limit, 1024));
    String after = from.lastId();
    for (int bucket = from.bucket(); bucket < FanoutLayout.BUCKETS; bucket++, after = null) {
      for (String name : namesIn(layout.bucketDir(bucket))) {
        if (after != null && name.compareTo(after) <= 0) {
          continue;
        }
        Optional<ObjectMeta> meta = reader.read(idOf(name));
        if (meta.isEmpty()) {
          continue;
        }
        entries.add(meta.get());
        if (entries.size() == limit) {
          return new InventoryPage(entries, Optional.of(new InventoryCursor(bucket, name).encode()));
        }
      }
    }
    return new InventoryPage(entries, Optional.empty());
  }

  private static ObjectId idOf(String fileName) throws DyadException {
    return ObjectId.of(fileName);
  }

  private static List<String> namesIn(Path dir) throws DyadException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> ObjectId.problemWith(n) == null).sorted().toList();
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw IoErrors.translate(e, "listing " + dir);
    }
  }
}
