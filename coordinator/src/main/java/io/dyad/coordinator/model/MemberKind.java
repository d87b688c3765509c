package io.dyad.coordinator.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a member is: a storage node (holds objects) or a directory server (holds volumes). */
public enum MemberKind {
  STORAGE("storage"),
  DIRECTORY("directory");

  private final String json;

  MemberKind(String json) {
    this.json = json;
  }

  @JsonValue
  public String json() {
    return json;
  }

  public static MemberKind parse(String s) {
    for (MemberKind k : values()) {
      if (k.json.equalsIgnoreCase(s)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown member kind '" + s + "' (storage or directory)");
  }
}
