package io.dyad.dosm;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import io.dyad.common.ObjectId;
import java.time.Duration;
import java.util.Optional;

/** Where search found objects that were not on their pair: object id to member id, bounded in size and age. */
final class LocationCache {
  private final Cache<ObjectId, String> cache;

  LocationCache(long maxEntries, Duration ttl) {
    this.cache = CacheBuilder.newBuilder().maximumSize(maxEntries).expireAfterWrite(ttl).build();
  }

  Optional<String> get(ObjectId id) {
    return Optional.ofNullable(cache.getIfPresent(id));
  }

  void put(ObjectId id, String member) {
    cache.put(id, member);
  }

  void forget(ObjectId id) {
    cache.invalidate(id);
  }

  long size() {
    return cache.size();
  }
}
