package io.dyad.coordinator.membership;

import com.google.common.util.concurrent.Service;
import io.dyad.coordinator.model.LiveInfo;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A member's registration in the cluster (the liveness znode {@code /dyad/live/<id>}), kept while the member
 * runs and renewed after a session loss.
 *
 * <p>Fencing: {@link #mayAcceptWrites()} is true only while the member holds a live, connected session and
 * its liveness znode is its own. A member must refuse writes otherwise (its partner may already have been
 * told to serve alone).
 */
public interface Registration extends Service {

  /** Whether the member is registered under a connected session right now. Cheap; call it on every write. */
  boolean mayAcceptWrites();

  /** The current registration (with its incarnation), if registered. */
  Optional<LiveInfo> current();

  /** Called (on an internal thread) whenever {@link #mayAcceptWrites()} changes; must not block. */
  void addListener(Consumer<Boolean> onFenceChange);
}
