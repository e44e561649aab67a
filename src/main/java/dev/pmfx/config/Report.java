package dev.pmfx.config;

import dev.pmfx.config.ConfigNode.ArrayNode;
import dev.pmfx.config.ConfigNode.BoolNode;
import dev.pmfx.config.ConfigNode.ComputedNode;
import dev.pmfx.config.ConfigNode.Member;
import dev.pmfx.config.ConfigNode.NullNode;
import dev.pmfx.config.ConfigNode.NumberNode;
import dev.pmfx.config.ConfigNode.ObjectNode;
import dev.pmfx.config.ConfigNode.TextNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The errors and warnings of one read of a config file, in the order they were found. */
final class Report {

  private final SourceText source;
  private final List<Diagnostic> diagnostics = new ArrayList<>();
  private final java.util.Set<String> warnedOnce = new java.util.HashSet<>();

  Report(SourceText source) {
    this.source = source;
  }

  List<Diagnostic> diagnostics() {
    return List.copyOf(diagnostics);
  }

  int errorCount() {
    return (int) diagnostics.stream().filter(Diagnostic::isError).count();
  }

  void error(Location at, String key, String message, String hint) {
    diagnostics.add(source.error(at, key, message, hint));
  }

  void warn(Location at, String key, String message) {
    warn(at, key, message, "");
  }

  void warn(Location at, String key, String message, String hint) {
    diagnostics.add(source.warning(at, key, message, hint));
  }

  /** Warns of {@code what} the first time this file says it; later ones are the same news. */
  void warnOnce(String what, Location at, String key, String message) {
    if (warnedOnce.add(what)) {
      warn(at, key, message);
    }
  }

  /** Warns of a key that is none of {@code known}, with the closest of them if one is close. */
  void unknownKey(Member m, String pathPrefix, String messagePrefix, Collection<String> known) {
    Optional<String> suggestion = DidYouMean.closest(m.key(), known);
    warn(
        m.keyLocation(),
        pathPrefix + m.key(),
        messagePrefix
            + "unknown key '"
            + m.key()
            + "'"
            + suggestion.map(s -> ": did you mean '" + s + "'?").orElse(""),
        suggestion.isPresent() ? "" : "pmfx ignores it; see docs/config.md for the keys it knows");
  }

  /** A value as a message quotes it: strings in quotes, numbers as written, objects by kind. */
  static String found(ConfigNode value) {
    return switch (value) {
      case TextNode t -> '"' + t.value() + '"';
      case NumberNode n -> n.value().toPlainString();
      case BoolNode b -> String.valueOf(b.value());
      case NullNode x -> "null";
      case ObjectNode o -> "an object";
      case ArrayNode a -> "a list";
      case ComputedNode c -> c.source();
    };
  }
}
