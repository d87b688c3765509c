package io.dyad.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectIdTest {
  @ParameterizedTest
  @ValueSource(strings = {"a", "0c2f9e6a-4b1d-4d0e-9f6e-2a6c1b7d8e90", "photos:2026@v1+x=y~z", "a.b_c-d", ".hidden"})
  void acceptsSafeIds(String value) throws DyadException {
    assertThat(ObjectId.of(value).value()).isEqualTo(value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "...", "a/b", "/etc/passwd", "..", "a..b", "../x", "nul\0byte", "back\\slash", "sp ace",
      "new\nline", "ünïcödé"})
  void refusesIdsThatCouldNameAPathOrHideABadCharacter(String value) {
    assertThatThrownBy(() -> ObjectId.of(value)).isInstanceOf(DyadException.class)
        .satisfies(e -> assertThat(((DyadException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }

  @ParameterizedTest
  @ValueSource(ints = {ObjectId.MAX_LENGTH + 1, 4096})
  void refusesOverlongIds(int length) {
    assertThatThrownBy(() -> ObjectId.of("x".repeat(length))).hasMessageContaining("limit is 200");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, ObjectId.MAX_LENGTH})
  void acceptsIdsUpToTheLimit(int length) throws DyadException {
    assertThat(ObjectId.of("x".repeat(length)).value()).hasSize(length);
  }
}
