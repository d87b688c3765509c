package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.client.DyadClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void aFileReadAgainForARetryIsCountedOnce() throws Exception {
    Progress progress = Progress.none();
    DyadClient.Source source = progress.rereadable(() -> new ByteArrayInputStream(new byte[1000]));
    try (InputStream first = source.open()) {
      assertThat(first.readNBytes(600)).hasSize(600);
    }
    assertThat(progress.done()).isEqualTo(600);
    try (InputStream again = source.open()) {
      again.transferTo(OutputStream.nullOutputStream());
    }
    assertThat(progress.done()).as("the failed attempt's 600 bytes taken back").isEqualTo(1000);
  }

  @Test
  void parallelStreamsAddToOneTotal() throws Exception {
    Progress progress = Progress.none();
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = progress.counting(sink)) {
      out.write(new byte[300]);
      out.write(7);
    }
    progress.counting(new ByteArrayInputStream(new byte[99])).transferTo(OutputStream.nullOutputStream());
    assertThat(progress.done()).isEqualTo(400);
    assertThat(sink.size()).isEqualTo(301);
  }
}
