package io.dyad.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.common.Presence;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Object and volume questions share the groups: each side reads its own and ignores the other's and garbage. */
class SearchMessagesTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void objectAndVolumeMessagesRoundTrip() {
    byte[] q = SearchMessages.encode(new SearchMessages.Question("r1", "obj-1", "127.0.0.1:5000"));
    assertThat(SearchMessages.question(q, q.length)).contains(new SearchMessages.Question("r1", "obj-1",
        "127.0.0.1:5000"));
    byte[] a = SearchMessages.encode(new SearchMessages.Answer("r1", "a1", Presence.DELETED));
    assertThat(SearchMessages.answer(a, a.length)).contains(new SearchMessages.Answer("r1", "a1", Presence.DELETED));

    byte[] vq = SearchMessages.encode(new SearchMessages.VolumeQuestion("r2", "docs", "127.0.0.1:5001"));
    assertThat(SearchMessages.volumeQuestion(vq, vq.length)).contains(new SearchMessages.VolumeQuestion("r2", "docs",
        "127.0.0.1:5001"));
    byte[] va = SearchMessages.encode(new SearchMessages.VolumeAnswer("r2", "da1", "127.0.1.21:9400", 42));
    assertThat(SearchMessages.parse(va, va.length).flatMap(SearchMessages::volumeAnswer))
        .contains(new SearchMessages.VolumeAnswer("r2", "da1", "127.0.1.21:9400", 42));
  }

  @Test
  void eachSideIgnoresTheOthersQuestionsAndMalformedDatagrams() {
    byte[] vq = SearchMessages.encode(new SearchMessages.VolumeQuestion("r", "docs", "127.0.0.1:1"));
    assertThat(SearchMessages.question(vq, vq.length)).as("a storage node ignores a volume question").isEmpty();
    byte[] q = SearchMessages.encode(new SearchMessages.Question("r", "obj", "127.0.0.1:1"));
    assertThat(SearchMessages.volumeQuestion(q, q.length)).as("a directory ignores an object question").isEmpty();
    for (String bad : new String[] {"", "not json", "[1,2]", "{\"v\":2,\"q\":\"r\",\"volume\":\"x\",\"reply\":\"h:1\"}",
        "{\"v\":1,\"q\":\"r\",\"member\":\"m\",\"address\":\"h:1\",\"lastSeq\":\"many\"}"}) {
      byte[] b = utf8(bad);
      assertThat(SearchMessages.volumeQuestion(b, b.length)).isEmpty();
      assertThat(SearchMessages.parse(b, b.length).flatMap(SearchMessages::volumeAnswer)).isEmpty();
      assertThat(SearchMessages.question(b, b.length)).isEmpty();
    }
  }
}
