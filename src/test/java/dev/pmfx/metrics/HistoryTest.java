package dev.pmfx.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryTest {

  private static History.Reading usage(int worker, double cpu, long memory) {
    return new History.Reading("web", worker, worker, cpu, memory, false, 0, 0, 0, 0, -1);
  }

  private static History.Reading balanced(
      int worker, long requests, long errors, double p50, double p99) {
    return new History.Reading(
        "web", worker, worker, 10, 1_000, true, requests, errors, p50, p99, -1);
  }

  @Test
  void aSeriesKeepsItsNewestPointsAndNeverGrows() {
    Series series = new Series(3);
    for (int i = 1; i <= 5; i++) {
      series.add(i * 1000L, i);
    }
    assertEquals(3, series.size());
    assertEquals(
        List.of(3.0, 4.0, 5.0), List.of(series.value(0), series.value(1), series.value(2)));
    assertEquals(3000L, series.time(0));
    assertEquals(5.0, series.last());
    assertEquals(5.0, series.max());
    assertThrows(IndexOutOfBoundsException.class, () -> series.value(3));
  }

  @Test
  void everySeriesOfAnAppStaysBoundedHoweverLongItRuns() {
    History history = new History(60);
    for (int t = 0; t < 10_000; t++) {
      history.add(t * 1000L, List.of(usage(1, t % 100, 5_000), usage(2, 1, 7_000)));
    }
    History.AppFigures web = history.app("web").orElseThrow();
    assertEquals(60, web.total().cpu().size());
    assertEquals(60, web.workers().get(1).memory().size());
    assertEquals(12_000, web.total().memory().last());
  }

  @Test
  void requestCountsBecomeRatesAndTheAppsLatencyIsItsWorkers() {
    History history = new History();
    history.add(0, List.of(balanced(1, 100, 0, 2, 10), balanced(2, 100, 0, 4, 30)));
    history.add(2000, List.of(balanced(1, 200, 4, 2, 10), balanced(2, 400, 0, 4, 30)));

    History.AppFigures web = history.app("web").orElseThrow();
    assertEquals(50, web.workers().get(1).requestsPerSecond().last());
    assertEquals(150, web.workers().get(2).requestsPerSecond().last());
    assertEquals(200, web.total().requestsPerSecond().last());
    assertEquals(2, web.total().errorsPerSecond().last());
    assertEquals((50 * 2 + 150 * 4) / 200.0, web.total().p50().last(), 1e-9);
    assertEquals(30, web.total().p99().last(), "the slowest worker's p99");
    assertEquals(1, web.total().requestsPerSecond().size(), "a rate needs two counts");
  }

  @Test
  void aWorkerThatIsGoneLeavesOnceItsPointsAgedOut() {
    History history = new History(5);
    history.add(0, List.of(usage(1, 1, 1), usage(2, 1, 1)));
    for (int t = 1; t <= 4; t++) {
      history.add(t * 1000L, List.of(usage(2, 1, 1)));
    }
    assertEquals(List.of(1, 2), List.copyOf(history.app("web").orElseThrow().workers().keySet()));
    history.add(5000, List.of(usage(2, 1, 1)));
    assertEquals(List.of(2), List.copyOf(history.app("web").orElseThrow().workers().keySet()));
    history.forget("web");
    assertEquals(true, history.app("web").isEmpty());
  }

  @Test
  void aReplacedWorkerIsForgottenTenMinutesAfterItsLastSample() {
    History history = new History();
    history.add(0, List.of(usage(1, 1, 1), usage(2, 1, 1)));
    for (int t = 1; t <= 600; t++) {
      history.add(t * 1000L, List.of(usage(2, 1, 1)));
    }
    assertEquals(List.of(1, 2), List.copyOf(history.app("web").orElseThrow().workers().keySet()));
    history.add(601_000, List.of(usage(2, 1, 1)));
    assertEquals(List.of(2), List.copyOf(history.app("web").orElseThrow().workers().keySet()));
  }
}
