package io.dyad.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.node.store.ObjectFileFormat.Trailer;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ObjectFileFormatTest {
  @Test
  void aTrailerSurvivesEncodingAndAnyFlippedBitIsCaught() {
    Trailer t = new Trailer(false, 123_456_789L, 0xCAFEBABE, 1_700_000_000_000L, 42);
    ByteBuffer encoded = t.encode();
    assertThat(encoded.remaining()).isEqualTo(ObjectFileFormat.TRAILER_BYTES);
    assertThat(Trailer.decode(encoded.duplicate())).isEqualTo(t);
    for (int bit = 0; bit < ObjectFileFormat.TRAILER_BYTES * 8; bit++) {
      ByteBuffer damaged = ByteBuffer.allocate(encoded.remaining()).put(encoded.duplicate()).flip();
      damaged.put(bit / 8, (byte) (damaged.get(bit / 8) ^ (1 << (bit % 8))));
      assertThat(Trailer.decode(damaged)).as("bit %s flipped", bit).isNull();
    }
  }

  @Test
  void fileSizeAccountsForContentTableAndTrailer() {
    assertThat(ObjectFileFormat.fileSize(0)).isEqualTo(64);
    assertThat(ObjectFileFormat.fileSize(1)).isEqualTo(1 + 4 + 64);
    assertThat(ObjectFileFormat.fileSize(65_536)).isEqualTo(65_536 + 4 + 64);
    assertThat(ObjectFileFormat.fileSize(65_537)).isEqualTo(65_537 + 8 + 64);
  }
}
