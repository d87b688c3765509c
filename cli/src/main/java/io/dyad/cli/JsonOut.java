package io.dyad.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dyad.client.FileEntry;
import io.dyad.client.VolumeEntry;
import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** What {@code --json} prints: one indented JSON document per command, with the same fields as the tables. */
final class JsonOut {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JsonOut() {}

  static void print(PrintWriter out, Object value) throws DyadException {
    try {
      out.println(MAPPER.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new DyadException(ErrorCode.INTERNAL, "cannot print JSON: " + e.getOriginalMessage(), e);
    }
    out.flush();
  }

  /** A file's or directory's entry; {@code path} as VOLUME:/PATH. */
  static Map<String, Object> entry(String path, FileEntry e) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("path", path);
    out.put("name", e.name());
    out.put("type", e.directory() ? "directory" : "file");
    if (!e.directory()) {
      out.put("length", e.length());
      out.put("crc32c", String.format("%08x", e.crc32c()));
      out.put("object", e.objectId().orElse(null));
    }
    out.put("created", Instant.ofEpochMilli(e.createdAt()).toString());
    out.put("modified", Instant.ofEpochMilli(e.modifiedAt()).toString());
    out.put("version", e.version());
    out.put("inode", e.inode());
    return out;
  }

  static Map<String, Object> volume(VolumeEntry v) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("volume", v.name());
    out.put("directoryPair", v.directoryPair());
    out.put("created", Instant.ofEpochMilli(v.createdAt()).toString());
    return out;
  }
}
