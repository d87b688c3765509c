package io.dyad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's --help ends with examples, and every example belongs to a command that exists. */
class HelpExamplesTest {
  private final CommandLine root = Dyad.commandLine();
  private final List<CommandLine> commands = HelpExamples.commands(root);

  @Test
  void everyCommandHasExamples() {
    List<String> missing = commands.stream().map(HelpExamples::key)
        .filter(name -> !HelpExamples.load().containsKey(name)).toList();
    assertThat(missing).as("commands without examples in help-examples.properties").isEmpty();
  }

  @Test
  void everyExampleBelongsToACommandAndShowsIt() {
    Set<String> names = commands.stream().map(HelpExamples::key).collect(Collectors.toSet());
    for (String key : HelpExamples.load().stringPropertyNames()) {
      assertThat(names).as("a command named '" + key + "'").contains(key);
    }
    for (CommandLine c : commands) {
      String name = HelpExamples.key(c);
      // long lines wrap at the help's width: compare with the spacing flattened
      String help = c.getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", "");
      assertThat(help).as(name + " --help").contains("Examples:");
      String firstExample = HelpExamples.load().getProperty(name).lines().findFirst().orElseThrow()
          .replaceAll("\\s+", "");
      assertThat(help).as(name + " --help").contains(firstExample);
    }
  }

  @Test
  void completionCoversTheCommandTree() {
    StringWriter out = new StringWriter();
    CommandLine c = Dyad.commandLine();
    c.setOut(new PrintWriter(out));
    assertThat(c.execute("completion")).isZero();
    assertThat(out.toString()).contains("complete -F").contains("_picocli_dyad_fs_put").contains("--recursive");
  }
}
