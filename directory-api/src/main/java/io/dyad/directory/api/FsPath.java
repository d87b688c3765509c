package io.dyad.directory.api;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.dyad.common.DyadException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A path inside a volume: {@code /} or {@code /a/b/c}, components of 1 to {@value #MAX_COMPONENT_BYTES} bytes of
 * UTF-8 without NUL or {@code /}, at most {@value #MAX_PATH_BYTES} bytes in all. {@code .}, {@code ..}, empty
 * components (a doubled or trailing {@code /}) and paths not starting with {@code /} are refused, never normalised:
 * a path names exactly one place. Immutable.
 */
public final class FsPath {
  public static final int MAX_COMPONENT_BYTES = 255;
  public static final int MAX_PATH_BYTES = 4096;
  public static final FsPath ROOT = new FsPath(List.of());

  private final List<String> components;

  private FsPath(List<String> components) {
    this.components = Collections.unmodifiableList(components);
  }

  /** @throws DyadException INVALID_ARGUMENT naming what is wrong with the path */
  public static FsPath of(String path) throws DyadException {
    if (path == null || path.isEmpty()) {
      throw DyadException.invalidArgument("the path is empty; paths start with /");
    }
    byte[] bytes = path.getBytes(UTF_8);
    if (bytes.length > MAX_PATH_BYTES) {
      throw DyadException.invalidArgument("the path is " + bytes.length + " bytes long; the limit is " + MAX_PATH_BYTES);
    }
    if (!isWellFormed(path)) {
      throw DyadException.invalidArgument("the path is not valid UTF-8 text");
    }
    if (path.charAt(0) != '/') {
      throw DyadException.invalidArgument("path '" + path + "' does not start with /");
    }
    if (path.equals("/")) {
      return ROOT;
    }
    List<String> parts = new ArrayList<>();
    for (String c : path.substring(1).split("/", -1)) {
      checkComponent(c, path);
      parts.add(c);
    }
    return new FsPath(parts);
  }

  private static boolean isWellFormed(String s) {
    try {
      UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(java.nio.CharBuffer.wrap(s));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** @throws DyadException INVALID_ARGUMENT if {@code name} cannot be one component of a path */
  static void checkComponent(String name, String path) throws DyadException {
    if (name.isEmpty()) {
      throw DyadException.invalidArgument("path '" + path + "' has an empty component (a doubled or trailing /)");
    }
    if (name.equals(".") || name.equals("..")) {
      throw DyadException.invalidArgument("path '" + path + "' has the component '" + name
          + "'; paths are never normalised");
    }
    if (name.indexOf('\0') >= 0) {
      throw DyadException.invalidArgument("path '" + path.replace('\0', '?') + "' contains NUL");
    }
    int bytes = name.getBytes(UTF_8).length;
    if (bytes > MAX_COMPONENT_BYTES) {
      throw DyadException.invalidArgument("a component of path '" + path + "' is " + bytes
          + " bytes long; the limit is " + MAX_COMPONENT_BYTES);
    }
  }

  public boolean isRoot() {
    return components.isEmpty();
  }

  /** The components, root first. */
  public List<String> components() {
    return components;
  }

  /** The last component ("" for the root). */
  public String name() {
    return isRoot() ? "" : components.get(components.size() - 1);
  }

  /** The parent directory (the root's parent is the root). */
  public FsPath parent() {
    return isRoot() ? this : new FsPath(List.copyOf(components.subList(0, components.size() - 1)));
  }

  public FsPath child(String name) throws DyadException {
    checkComponent(name, this + "/" + name);
    List<String> c = new ArrayList<>(components);
    c.add(name);
    return new FsPath(c);
  }

  /** Whether {@code other} is this path or lies under it. */
  public boolean contains(FsPath other) {
    return other.components.size() >= components.size()
        && other.components.subList(0, components.size()).equals(components);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FsPath p && p.components.equals(components);
  }

  @Override
  public int hashCode() {
    return components.hashCode();
  }

  @Override
  public String toString() {
    return isRoot() ? "/" : "/" + String.join("/", components);
  }
}
