package io.dyad.cli.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** An answer of the admin port: status code, content type, body. */
record Page(int code, String contentType, byte[] body) {

  /** A plain-text answer. */
  static Page text(int code, String text) {
    return new Page(code, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  /** Makes a page; may block (health checks), so it runs off the I/O thread. */
  @FunctionalInterface
  interface Maker {
    Page make() throws IOException;
  }
}
