package dev.pmfx;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

/** The arrows of DESIGN.md point one way: ui and cli use the engine, nothing below knows them. */
@AnalyzeClasses(packages = "dev.pmfx", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  /** The packages that must run headless: in tests, in the CLI, and later in a daemon. */
  private static final String[] ENGINE_AND_BELOW = {
    "dev.pmfx.config..",
    "dev.pmfx.engine..",
    "dev.pmfx.supervisor..",
    "dev.pmfx.balance..",
    "dev.pmfx.metrics..",
    "dev.pmfx.logs.."
  };

  @ArchTest
  static final ArchRule engineAndBelowDoNotUseJavaFx =
      noClasses()
          .that()
          .resideInAnyPackage(ENGINE_AND_BELOW)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("javafx..")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule engineAndBelowDoNotUseTheFrontEnds =
      noClasses()
          .that()
          .resideInAnyPackage(ENGINE_AND_BELOW)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.pmfx.ui..", "dev.pmfx.cli..", "dev.pmfx.daemon..")
          .allowEmptyShould(true);

  /** The daemon serves the engine to the front ends; it knows neither them nor JavaFX. */
  @ArchTest
  static final ArchRule daemonDoesNotUseTheFrontEnds =
      noClasses()
          .that()
          .resideInAPackage("dev.pmfx.daemon..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.pmfx.ui..", "dev.pmfx.cli..", "javafx..");

  @ArchTest
  static final ArchRule uiDoesNotStartProcesses =
      noClasses()
          .that()
          .resideInAPackage("dev.pmfx.ui..")
          .should()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.lang.ProcessBuilder")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.lang.Process");

  /** The balancer knows a worker by its address alone: no processes, no engine, no config. */
  @ArchTest
  static final ArchRule balancerKnowsOnlyAddresses =
      noClasses()
          .that()
          .resideInAPackage("dev.pmfx.balance..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.pmfx.engine..", "dev.pmfx.config..", "dev.pmfx.metrics..")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.lang.Process")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.lang.ProcessHandle");

  @ArchTest
  static final ArchRule onlyFxThreadCallsRunLater =
      noClasses()
          .that()
          .doNotHaveFullyQualifiedName("dev.pmfx.ui.FxThread")
          .should()
          .callMethod("javafx.application.Platform", "runLater", "java.lang.Runnable");

  /**
   * The seam is what the window, the CLI and the daemon's clients share: records, enums and
   * interfaces, and the JSON that carries them. No implementation hides in it.
   */
  @ArchTest
  static final ArchRule engineIsOnlyTheSeam =
      classes()
          .that()
          .resideInAPackage("dev.pmfx.engine")
          .and()
          .doNotHaveSimpleName("EngineJson")
          .and()
          .areTopLevelClasses()
          .should()
          .beRecords()
          .orShould()
          .beEnums()
          .orShould()
          .beInterfaces();

  @ArchTest
  static final ArchRule seamDoesNotKnowTheSupervisor =
      noClasses()
          .that()
          .resideInAPackage("dev.pmfx.engine..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.pmfx.supervisor..");

  /**
   * The window's start, {@code pmfx run} and the daemon make a supervisor; the rest use the seam.
   */
  @ArchTest
  static final ArchRule onlyCompositionRootsUseTheSupervisor =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.pmfx.supervisor..")
          .and()
          .doNotHaveFullyQualifiedName("dev.pmfx.ui.PmfxApp")
          .and()
          .doNotHaveFullyQualifiedName("dev.pmfx.cli.RunCommand")
          .and()
          .doNotHaveFullyQualifiedName("dev.pmfx.daemon.DaemonServer")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.pmfx.supervisor..");

  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching("dev.pmfx.(*)..").should().beFreeOfCycles();

  /** {@code Main} only dispatches: nothing depends on it, so it closes no cycle either. */
  @ArchTest
  static final ArchRule nothingUsesMain =
      noClasses()
          .that()
          .doNotHaveFullyQualifiedName("dev.pmfx.Main")
          .should()
          .dependOnClassesThat()
          .haveFullyQualifiedName("dev.pmfx.Main");

  /** The worker's lifecycle as a pure function: its types touch no process, file or thread. */
  private static final String MACHINE =
      "dev\\.pmfx\\.supervisor\\.(WorkerMachine|Machine[A-Za-z]+|Phase|StopGoal)(\\$.*)?";

  @ArchTest
  static final ArchRule theMachineIsPure =
      noClasses()
          .that()
          .haveNameMatching(MACHINE)
          .should()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.lang.Process")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.lang.ProcessHandle")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.lang.Thread")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.nio.file.Files")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.time.Clock")
          .orShould()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "java.io..", "java.net..", "java.nio.channels..", "java.util.concurrent..")
          .orShould()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.pmfx.balance..", "dev.pmfx.logs..", "dev.pmfx.metrics..")
          .orShould()
          .callMethod(dev.pmfx.posix.Signals.class, "send", long.class, String.class)
          .orShould()
          .callMethod(dev.pmfx.posix.Signals.class, "sendGroup", long.class, String.class);

  /** A worker's state is written where the machine's result is stored, and nowhere else. */
  @ArchTest
  static void onlyTheMachineWritesAWorkersState(JavaClasses classes) {
    List<String> writers =
        classes.stream()
            .flatMap(c -> c.getFieldAccessesFromSelf().stream())
            .filter(a -> a.getAccessType() == JavaFieldAccess.AccessType.SET)
            .filter(a -> a.getTarget().getFullName().equals("dev.pmfx.supervisor.Worker.machine"))
            .map(JavaAccess::getOrigin)
            .map(origin -> origin.getOwner().getSimpleName() + "." + origin.getName())
            .distinct()
            .sorted()
            .toList();
    assertEquals(List.of("EffectRunner.step", "Worker.<init>"), writers);
  }

  /**
   * Signals go out through the one stop sequence (for supervised workers and a dead pmfx's alike),
   * the {@code Process} pmfx holds a worker by (its {@code destroy}), and the end of a port's
   * keeper (SIGKILL to a {@code sleep}); not from views, commands, the daemon or the machine.
   */
  @ArchTest
  static final ArchRule onlyTheStopSequenceSignals =
      noClasses()
          .that()
          .doNotHaveFullyQualifiedName("dev.pmfx.posix.StopSequence")
          .and()
          .doNotHaveFullyQualifiedName("dev.pmfx.supervisor.PosixProcess")
          .and()
          .doNotHaveFullyQualifiedName("dev.pmfx.supervisor.SpawnedProcess")
          .and()
          .doNotHaveFullyQualifiedName("dev.pmfx.supervisor.PortKeepers")
          .and()
          .doNotHaveFullyQualifiedName("dev.pmfx.posix.Signals")
          .should()
          .callMethod(dev.pmfx.posix.Signals.class, "send", long.class, String.class)
          .orShould()
          .callMethod(dev.pmfx.posix.Signals.class, "sendGroup", long.class, String.class);

  /**
   * The supervisor is handed specs and a way to read a file again; it loads no file itself: of the
   * config package it uses the values (specs, results, sizes, durations) and what runs a script
   * ({@code Runner}), never a reader.
   */
  @ArchTest
  static final ArchRule theSupervisorLoadsNoConfigFile =
      noClasses()
          .that()
          .resideInAPackage("dev.pmfx.supervisor..")
          .should()
          .dependOnClassesThat(
              JavaClass.Predicates.resideInAPackage("dev.pmfx.config")
                  .and(
                      DescribedPredicate.not(
                          HasName.Predicates.nameMatching(
                              "dev\\.pmfx\\.config\\.(AppSpec|Ecosystem|LoadResult|Diagnostic|Location"
                                  + "|ExecMode|BalancerMode|BalancerStrategy|KillSignal|ByteSize|LogOptions|HealthCheck|DurationText|CronSchedule|SearchPath|Runner|Dependency)(\\$.*)?"))));
}
