package io.dyad.node.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.dyad.common.DyadException;
import io.dyad.common.ObjectId;
import io.dyad.common.Presence;
import io.dyad.node.store.ObjectStore;
import io.dyad.search.GroupResponder;
import io.dyad.search.SearchMessages;
import java.util.Optional;

/**
 * A storage node's answers to "who has object O?" datagrams on its center's group (run by a
 * {@link GroupResponder}): it answers if it holds the object or a tombstone for it, and stays silent otherwise.
 */
public final class ObjectQuestions implements GroupResponder.Answerer {
  private final String memberId;
  private final ObjectStore store;

  public ObjectQuestions(String memberId, ObjectStore store) {
    this.memberId = memberId;
    this.store = store;
  }

  @Override
  public Optional<GroupResponder.Reply> answer(JsonNode datagram) {
    Optional<SearchMessages.Question> question = SearchMessages.question(datagram);
    if (question.isEmpty()) {
      return Optional.empty();
    }
    SearchMessages.Question q = question.get();
    try {
      Presence p = store.presence(ObjectId.of(q.objectId()));
      if (p == Presence.ABSENT) {
        return Optional.empty();
      }
      return Optional.of(new GroupResponder.Reply(q.replyTo(),
          SearchMessages.encode(new SearchMessages.Answer(q.requestId(), memberId, p))));
    } catch (DyadException e) {
      return Optional.empty(); // not an object id, or the store is not serving
    }
  }
}
