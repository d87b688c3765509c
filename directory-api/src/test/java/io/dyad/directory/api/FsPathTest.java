package io.dyad.directory.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FsPathTest {
  @ParameterizedTest
  @ValueSource(strings = {"/", "/a", "/a/b/c", "/ünïcödé/файл", "/with space/and.dots...", "/.hidden", "/a..b"})
  void acceptsPathsThatNameExactlyOnePlace(String p) throws DyadException {
    assertThat(FsPath.of(p).toString()).isEqualTo(p);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a", "a/b", "//", "/a//b", "/a/", "/.", "/..", "/a/./b", "/a/../b", "/nul\0byte"})
  void refusesPathsThatWouldNeedNormalisingOrHideABadByte(String p) {
    assertThatThrownBy(() -> FsPath.of(p)).isInstanceOf(DyadException.class)
        .satisfies(e -> assertThat(((DyadException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }

  @Test
  void componentsAndPathsHaveByteLimits() throws DyadException {
    assertThat(FsPath.of("/" + "x".repeat(255)).name()).hasSize(255);
    assertThatThrownBy(() -> FsPath.of("/" + "x".repeat(256))).hasMessageContaining("limit is 255");
    assertThatThrownBy(() -> FsPath.of("/" + "é".repeat(128))).as("256 bytes of UTF-8").hasMessageContaining("256 bytes");
    String deep = ("/" + "y".repeat(200)).repeat(21);
    assertThatThrownBy(() -> FsPath.of(deep)).hasMessageContaining("limit is 4096");
    assertThatThrownBy(() -> FsPath.of("/a\uD800b")).hasMessageContaining("not valid UTF-8");
  }

  @Test
  void parentsChildrenAndContainment() throws DyadException {
    FsPath p = FsPath.of("/a/b");
    assertThat(p.parent()).isEqualTo(FsPath.of("/a"));
    assertThat(FsPath.ROOT.parent()).isEqualTo(FsPath.ROOT);
    assertThat(p.child("c")).isEqualTo(FsPath.of("/a/b/c"));
    assertThat(p.contains(FsPath.of("/a/b/c/d"))).isTrue();
    assertThat(p.contains(FsPath.of("/a/bc"))).isFalse();
    assertThat(FsPath.ROOT.contains(p)).isTrue();
  }
}
