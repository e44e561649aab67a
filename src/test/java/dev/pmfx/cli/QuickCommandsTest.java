package dev.pmfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command lines answered before picocli loads are those of list, jlist and ping alone. */
class QuickCommandsTest {

  @TempDir Path dir;

  @Test
  void theViewsAreListJlistAndPingByEveryNameTheirCommandsHave() {
    CommandLine pmfx = PmfxCommand.commandLine();
    Set<String> names = new HashSet<>();
    for (String command : List.of("list", "jlist", "ping")) {
      CommandLine.Model.CommandSpec spec = pmfx.getSubcommands().get(command).getCommandSpec();
      names.add(spec.name());
      names.addAll(List.of(spec.aliases()));
    }
    assertEquals(names, QuickCommands.VIEWS.keySet());
    QuickCommands.VIEWS.forEach(
        (name, view) ->
            assertEquals(
                view,
                pmfx.getSubcommands().get(name).getCommandSpec().name(),
                name + " is " + view));
  }

  @Test
  void withOptionsTheWholeCommandLineRuns() {
    System.setProperty("pmfx.home", dir.resolve("home").toString());
    try {
      PrintStream out = new PrintStream(OutputStream.nullOutputStream());
      assertTrue(QuickCommands.run(new String[] {"list", "--help"}, out).isEmpty());
      assertTrue(QuickCommands.run(new String[] {"describe"}, out).isEmpty());
      assertTrue(QuickCommands.run(new String[] {}, out).isEmpty());
    } finally {
      System.clearProperty("pmfx.home");
    }
  }
}
