package dev.pmfx.config;

import java.nio.file.Path;
import java.util.List;

/** What loading a config gave: every app, or the errors (and warnings) that stopped it. */
public sealed interface LoadResult {

  Path file();

  List<Diagnostic> diagnostics();

  record Loaded(Ecosystem ecosystem) implements LoadResult {
    @Override
    public Path file() {
      return ecosystem.file();
    }

    @Override
    public List<Diagnostic> diagnostics() {
      return ecosystem.warnings();
    }
  }

  /** Nothing of the file is used: a config either loads whole or not at all. */
  record Failed(Path file, List<Diagnostic> diagnostics) implements LoadResult {
    public Failed {
      diagnostics = List.copyOf(diagnostics);
    }

    public List<Diagnostic> errors() {
      return diagnostics.stream().filter(Diagnostic::isError).toList();
    }
  }
}
