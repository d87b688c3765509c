package io.dyad.node.store;

import com.google.common.hash.Hashing;
import io.dyad.common.ObjectId;
import java.nio.file.Path;

/**
 * Where an object lives: {@code objects/<xx>/<yy>/<id>}, where xxyy is the top 16 bits of the murmur3 hash of
 * the id. 65,536 leaf directories keep each one small (about 15 entries per million objects), and because the
 * hash is fixed, every member lists its objects in the same order (bucket, then id), which lets two members
 * compare inventories by merging.
 */
public final class FanoutLayout {
  public static final int BUCKETS = 1 << 16;

  private final Path objectsDir;

  public FanoutLayout(Path objectsDir) {
    this.objectsDir = objectsDir;
  }

  public static int bucketOf(ObjectId id) {
    return Hashing.murmur3_32_fixed().hashBytes(id.utf8()).asInt() >>> 16;
  }

  public Path bucketDir(int bucket) {
    return objectsDir.resolve(String.format("%02x", bucket >>> 8)).resolve(String.format("%02x", bucket & 0xff));
  }

  public Path pathOf(ObjectId id) {
    return bucketDir(bucketOf(id)).resolve(id.value());
  }

  public Path objectsDir() {
    return objectsDir;
  }
}
