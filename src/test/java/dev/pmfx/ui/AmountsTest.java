package dev.pmfx.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AmountsTest {

  @Test
  void cpuShowsTenthsOnlyWhereTheyMatter() {
    assertEquals("0%", Amounts.cpu(0));
    assertEquals("3.5%", Amounts.cpu(3.46));
    assertEquals("42%", Amounts.cpu(41.7));
    assertEquals("198%", Amounts.cpu(198.2));
  }

  @Test
  void memoryCountsInUnitsOf1024() {
    assertEquals("512 B", Amounts.memory(512));
    assertEquals("1.0 KB", Amounts.memory(1024));
    assertEquals("45.3 MB", Amounts.memory(47_500_000));
    assertEquals("812 MB", Amounts.memory(812L * 1024 * 1024));
    assertEquals("1.5 GB", Amounts.memory(1536L * 1024 * 1024));
  }

  @Test
  void cellsSortAsTheNumbersTheyShow() {
    List<String> cells = new ArrayList<>(List.of("1.2 MB", "", "900 KB", "10 B", "2.0 GB"));
    cells.sort(Amounts::compare);
    assertEquals(List.of("10 B", "900 KB", "1.2 MB", "2.0 GB", ""), cells);

    List<String> ids = new ArrayList<>(List.of("10", "", "2", "33%", "4.5%"));
    ids.sort(Amounts::compare);
    assertEquals(List.of("2", "4.5%", "10", "33%", ""), ids);
    assertTrue(Amounts.compare("", "3") > 0, "app rows, which have no number, sort last");
  }
}
