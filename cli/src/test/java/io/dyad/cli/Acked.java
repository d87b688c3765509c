package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.client.DyadClient;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import io.dyad.common.ObjectId;
import io.dyad.common.ObjectMeta;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The objects a test has written and had acknowledged (and the ones it deleted): the ground truth every
 * fault test checks the cluster against, byte for byte by checksum.
 */
final class Acked {
  record Written(long seed, long length, int crc) {}

  final Map<ObjectId, Written> objects = new ConcurrentHashMap<>();
  final Set<ObjectId> deleted = ConcurrentHashMap.newKeySet();

  /** A size mix: mostly small objects, some of a few MiB. */
  static long sizeFor(long seed) {
    Random r = new Random(seed);
    int kind = r.nextInt(100);
    if (kind < 5) {
      return 0;
    } else if (kind < 60) {
      return 1 + r.nextInt(16 * 1024);
    } else if (kind < 90) {
      return 16 * 1024 + r.nextInt(256 * 1024);
    }
    return 1024 * 1024 + r.nextInt(2 * 1024 * 1024);
  }

  /** Writes one object of the given seed through the client; records it only once acknowledged. */
  ObjectId put(DyadClient client, long seed) throws Exception {
    long length = sizeFor(seed);
    ObjectMeta m = client.put(Optional.empty(), () -> Streams.generated(seed, length), length);
    int crc = Streams.crcOf(Streams.generated(seed, length));
    assertThat(m.length()).isEqualTo(length);
    assertThat(m.crc32c()).isEqualTo(crc);
    objects.put(m.id(), new Written(seed, length, crc));
    return m.id();
  }

  void delete(DyadClient client, ObjectId id) throws DyadException {
    client.delete(id);
    objects.remove(id);
    deleted.add(id);
  }

  /** Reads one acknowledged object back and checks every byte by checksum. */
  void verify(DyadClient client, ObjectId id) throws Exception {
    Written w = objects.get(id);
    Streams.CrcSink sink = new Streams.CrcSink();
    ObjectMeta m = client.get(id, sink);
    assertThat(sink.count()).as("length of %s", id).isEqualTo(w.length());
    assertThat(sink.crc()).as("checksum of %s", id).isEqualTo(w.crc());
    assertThat(m.crc32c()).isEqualTo(w.crc());
  }

  /** Every acknowledged object reads back intact; every deleted one stays deleted. */
  void verifyAll(DyadClient client) throws Exception {
    for (ObjectId id : objects.keySet()) {
      verify(client, id);
    }
    for (ObjectId id : deleted) {
      try {
        client.stat(id);
        throw new AssertionError("deleted object " + id + " came back");
      } catch (DyadException e) {
        assertThat(e.code()).as("deleted object %s", id).isEqualTo(ErrorCode.NOT_FOUND);
      }
    }
  }
}
