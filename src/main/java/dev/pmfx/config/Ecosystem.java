package dev.pmfx.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A loaded ecosystem file: its apps, in file order, and the warnings it earned. */
public record Ecosystem(Path file, List<AppSpec> apps, List<Diagnostic> warnings) {

  public Ecosystem {
    apps = List.copyOf(apps);
    warnings = List.copyOf(warnings);
  }

  public Optional<AppSpec> app(String name) {
    return apps.stream().filter(a -> a.name().equals(name)).findFirst();
  }
}
