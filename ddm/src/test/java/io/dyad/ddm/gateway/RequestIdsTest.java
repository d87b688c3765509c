package io.dyad.ddm.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestIdsTest {
  private static final Optional<String> ID = Optional.of("5f0c2a7e-1b7d-4c43-9d55-0d1c7a3e9b21");

  @Test
  void aClientIdIsTheSameRequestOnEveryRetryOfTheSameCall() {
    assertThat(RequestIds.forChange(ID, "mkdir", "v", "/a", "false"))
        .isEqualTo(RequestIds.forChange(ID, "mkdir", "v", "/a", "false"))
        .startsWith("rq-" + ID.get() + "-");
  }

  @Test
  void anIdReusedForAnotherCallIsAnotherRequest() {
    String mkdir = RequestIds.forChange(ID, "mkdir", "v", "/a", "false");
    assertThat(RequestIds.forChange(ID, "mkdir", "v", "/b", "false")).isNotEqualTo(mkdir);
    assertThat(RequestIds.forChange(ID, "mkdir", "v", "/a", "true")).isNotEqualTo(mkdir);
    assertThat(RequestIds.forChange(ID, "remove", "v", "/a", "false")).isNotEqualTo(mkdir);
    assertThat(RequestIds.forChange(ID, "rename", "v", "/ab", "/c"))
        .as("arguments are delimited, not concatenated").isNotEqualTo(RequestIds.forChange(ID, "rename", "v", "/a",
            "b/c"));
  }

  @Test
  void withoutAClientIdEveryCallIsANewRequest() {
    assertThat(RequestIds.forChange(Optional.empty(), "mkdir", "v", "/a"))
        .isNotEqualTo(RequestIds.forChange(Optional.empty(), "mkdir", "v", "/a"));
  }

  @Test
  void theDirectoriesIdsBuiltOnTheLongestClientIdFitTheirLimit() throws DyadException {
    Optional<String> longest = RequestIds.check("x".repeat(RequestIds.MAX_LENGTH));
    String uploadId = RequestIds.forChange(longest, "create", "v", "/f");
    assertThat(("commit-" + uploadId).length()).isLessThanOrEqualTo(64);
    assertThat(("upload-" + uploadId).length()).isLessThanOrEqualTo(64);
  }

  @Test
  void olderClientsSendNoId() throws DyadException {
    assertThat(RequestIds.check(null)).isEmpty();
    assertThat(RequestIds.check("")).isEmpty();
    assertThat(RequestIds.check(UUID.randomUUID().toString())).isPresent();
    assertThat(RequestIds.check("job-7:mkdir.2_a")).contains("job-7:mkdir.2_a");
  }

  @Test
  void anIdTooLongOrWithOtherCharactersIsRefused() {
    for (String bad : new String[] {"x".repeat(RequestIds.MAX_LENGTH + 1), "a b", "a/b", "a\0b", "é", "x".repeat(20_000),
        "a\nb"}) {
      assertThatThrownBy(() -> RequestIds.check(bad)).as("%.30s", bad)
          .isInstanceOfSatisfying(DyadException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(e.getMessage()).hasSizeLessThan(300).doesNotContain("\0", "\n");
          });
    }
  }
}
