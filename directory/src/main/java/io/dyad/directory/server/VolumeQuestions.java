package io.dyad.directory.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.dyad.common.DyadException;
import io.dyad.directory.api.Volumes;
import io.dyad.directory.namespace.NamespaceStore;
import io.dyad.search.GroupResponder;
import io.dyad.search.SearchMessages;
import java.util.Optional;

/**
 * A directory server's answers to "who holds volume V?" datagrams on its center's group (claims 27-30; run by a
 * {@link GroupResponder}): it answers with its address and last change of the volume if it holds the volume, and
 * stays silent otherwise. The point-to-point form of the same question is the {@code findVolume} call.
 */
final class VolumeQuestions implements GroupResponder.Answerer {
  private final String memberId;
  private final String address;
  private final NamespaceStore store;

  /** @param address the member's service address, HOST:PORT, as the cluster declares it */
  VolumeQuestions(String memberId, String address, NamespaceStore store) {
    this.memberId = memberId;
    this.address = address;
    this.store = store;
  }

  @Override
  public Optional<GroupResponder.Reply> answer(JsonNode datagram) {
    Optional<SearchMessages.VolumeQuestion> question = SearchMessages.volumeQuestion(datagram);
    if (question.isEmpty()) {
      return Optional.empty();
    }
    SearchMessages.VolumeQuestion q = question.get();
    try {
      return store.volumeState(Volumes.checkName(q.volume())).map(v -> new GroupResponder.Reply(q.replyTo(),
          SearchMessages.encode(new SearchMessages.VolumeAnswer(q.requestId(), memberId, address, v.getLastSeq()))));
    } catch (DyadException e) {
      return Optional.empty(); // not a volume name, or the store is not serving
    }
  }
}
