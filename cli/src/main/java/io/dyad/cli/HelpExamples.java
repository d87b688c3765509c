package io.dyad.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;

/**
 * The examples every command's {@code --help} ends with, kept together in {@code help-examples.properties} (keyed
 * by the command's full name, lines separated by {@code \n}) so that they are easy to review side by side and a test
 * can check that no command lacks them.
 */
final class HelpExamples {
  private static final String RESOURCE = "help-examples.properties";

  private HelpExamples() {}

  static Properties load() {
    Properties p = new Properties();
    try (InputStream in = HelpExamples.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
          p.load(r);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + RESOURCE, e);
    }
    return p;
  }

  /** Adds each command's examples as the footer of its help, throughout the tree under {@code root}. */
  static void attach(CommandLine root) {
    Properties examples = load();
    for (CommandLine c : commands(root)) {
      String text = examples.getProperty(key(c));
      if (text != null) {
        List<String> footer = new ArrayList<>(List.of("", "Examples:"));
        text.lines().forEach(l -> footer.add("  " + l));
        c.getCommandSpec().usageMessage().footer(footer.toArray(String[]::new));
      }
    }
  }

  /** A command's key in the examples: its full name with dots for spaces ({@code dyad.fs.put}). */
  static String key(CommandLine c) {
    return c.getCommandSpec().qualifiedName().replace(' ', '.');
  }

  /** Every command in the tree, the root first. */
  static List<CommandLine> commands(CommandLine root) {
    List<CommandLine> out = new ArrayList<>();
    out.add(root);
    for (CommandLine sub : root.getSubcommands().values()) {
      if (sub.getParent() == root && !out.contains(sub)) {
        out.addAll(commands(sub));
      }
    }
    return out.stream().distinct().toList();
  }
}
