package dev.pmfx.config;

import dev.pmfx.config.ConfigNode.ArrayNode;
import dev.pmfx.config.ConfigNode.BoolNode;
import dev.pmfx.config.ConfigNode.Member;
import dev.pmfx.config.ConfigNode.NullNode;
import dev.pmfx.config.ConfigNode.NumberNode;
import dev.pmfx.config.ConfigNode.ObjectNode;
import dev.pmfx.config.ConfigNode.TextNode;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads YAML configs as PM2 does (js-yaml): YAML 1.2's core types, so {@code yes}, {@code on} and
 * {@code 012} stay what they look like; anchors, aliases and {@code <<} merges resolved; one
 * document. SnakeYAML's node graph keeps every node's place, which Jackson's YAML stream loses
 * along with aliases.
 */
final class YamlReader {

  private static final Pattern NULL = Pattern.compile("~|null|Null|NULL|");
  private static final Pattern TRUE = Pattern.compile("true|True|TRUE");
  private static final Pattern FALSE = Pattern.compile("false|False|FALSE");
  private static final Pattern DECIMAL = Pattern.compile("[-+]?[0-9]+");
  private static final Pattern OCTAL = Pattern.compile("0o[0-7]+");
  private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]+");
  private static final Pattern FLOAT =
      Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  private static final int MAX_DEPTH = 200;

  private final SourceText source;
  private final List<Diagnostic> errors = new ArrayList<>();

  private YamlReader(SourceText source) {
    this.source = source;
  }

  static TreeReader.Result read(SourceText source) {
    YamlReader reader = new YamlReader(source);
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(true); // reported below, at the second key
    options.setMaxAliasesForCollections(100);
    Yaml yaml = new Yaml(options);
    try {
      Iterator<Node> documents = yaml.composeAll(new StringReader(source.text())).iterator();
      if (!documents.hasNext()) {
        reader.errors.add(
            source.error(
                new Location(1, 1), "", "the file is empty", "a config lists apps:  apps: [...]"));
        return new TreeReader.Result(Optional.empty(), List.copyOf(reader.errors));
      }
      Node first = documents.next();
      if (documents.hasNext()) {
        Node second = documents.next();
        reader.errors.add(
            source.error(
                at(second.getStartMark()),
                "",
                "a second YAML document starts here; an ecosystem file is one document",
                "remove the '---' line, or move the second document's apps into the first"));
      }
      ConfigNode root = reader.convert(first, 0);
      return new TreeReader.Result(Optional.of(root), List.copyOf(reader.errors));
    } catch (MarkedYAMLException e) {
      reader.errors.add(reader.syntaxError(e));
    } catch (org.yaml.snakeyaml.reader.ReaderException e) {
      // a character YAML does not allow in a file, such as NUL or another control character
      reader.errors.add(
          source.error(
              source.locationOf(e.getPosition()),
              "",
              String.format(
                  "YAML: the character U+%04X is not allowed in a YAML file", e.getCodePoint()),
              "remove it, or write it as an escape in a double-quoted string (\"\\u0000\")"));
    } catch (YAMLException e) {
      reader.errors.add(source.error(source.exportAt(), "", "YAML: " + e.getMessage(), ""));
    }
    return new TreeReader.Result(Optional.empty(), List.copyOf(reader.errors));
  }

  private static Location at(Mark mark) {
    return mark == null ? Location.UNKNOWN : new Location(mark.getLine() + 1, mark.getColumn() + 1);
  }

  private ConfigNode convert(Node node, int depth) {
    Location at = at(node.getStartMark());
    if (depth > MAX_DEPTH) {
      errors.add(source.error(at, "", "nested more than " + MAX_DEPTH + " levels deep", ""));
      return new NullNode(at);
    }
    return switch (node) {
      case MappingNode mapping -> mapping(mapping, depth);
      case SequenceNode sequence ->
          new ArrayNode(
              at, sequence.getValue().stream().map(n -> convert(n, depth + 1)).toList(), true);
      case ScalarNode scalar -> scalar(scalar, at);
      default -> new NullNode(at);
    };
  }

  private ObjectNode mapping(MappingNode mapping, int depth) {
    Map<String, Member> merged = new LinkedHashMap<>();
    Map<String, Member> written = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      Location keyAt = at(keyNode.getStartMark());
      if (keyNode.getTag().equals(Tag.MERGE)) {
        merge(tuple.getValueNode(), merged, depth);
        continue;
      }
      if (!(keyNode instanceof ScalarNode keyScalar)) {
        errors.add(source.error(keyAt, "", "a key must be plain text", ""));
        continue;
      }
      String key = keyScalar.getValue();
      checkQuotes(keyScalar, keyAt);
      Member member = new Member(key, keyAt, convert(tuple.getValueNode(), depth + 1));
      Member first = written.put(key, member);
      if (first != null) {
        errors.add(source.duplicateKey(keyAt, key, first.keyLocation()));
      }
    }
    // Written keys win over merged ones, as YAML's merge key says.
    written.keySet().forEach(merged::remove);
    List<Member> members = new ArrayList<>(merged.values());
    members.addAll(written.values());
    return new ObjectNode(at(mapping.getStartMark()), members);
  }

  private void merge(Node value, Map<String, Member> into, int depth) {
    List<Node> sources =
        value instanceof SequenceNode sequence ? sequence.getValue() : List.of(value);
    for (Node source : sources) {
      if (convert(source, depth + 1) instanceof ObjectNode object) {
        for (Member m : object.members()) {
          into.putIfAbsent(m.key(), m); // earlier sources win, as YAML's merge key says
        }
      } else {
        errors.add(
            this.source.error(
                at(source.getStartMark()), "<<", "'<<' merges a mapping or a list of them", ""));
      }
    }
  }

  private ConfigNode scalar(ScalarNode scalar, Location at) {
    String text = scalar.getValue();
    if (scalar.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN) {
      return new TextNode(at, text);
    }
    checkQuotes(scalar, at);
    if (scalar.getTag().equals(Tag.STR) && !looksTyped(text)) {
      return new TextNode(at, text);
    }
    if (NULL.matcher(text).matches()) {
      return new NullNode(at);
    }
    if (TRUE.matcher(text).matches()) {
      return new BoolNode(at, true);
    }
    if (FALSE.matcher(text).matches()) {
      return new BoolNode(at, false);
    }
    if (DECIMAL.matcher(text).matches()) {
      return new NumberNode(at, new BigDecimal(text));
    }
    if (OCTAL.matcher(text).matches()) {
      return new NumberNode(at, new BigDecimal(new BigInteger(text.substring(2), 8)));
    }
    if (HEX.matcher(text).matches()) {
      return new NumberNode(at, new BigDecimal(new BigInteger(text.substring(2), 16)));
    }
    if (FLOAT.matcher(text).matches()) {
      return new NumberNode(at, new BigDecimal(text));
    }
    return new TextNode(at, text);
  }

  /** Whether YAML 1.2 would read a plain scalar as something other than a string. */
  private static boolean looksTyped(String text) {
    return NULL.matcher(text).matches()
        || TRUE.matcher(text).matches()
        || FALSE.matcher(text).matches()
        || DECIMAL.matcher(text).matches()
        || OCTAL.matcher(text).matches()
        || HEX.matcher(text).matches()
        || FLOAT.matcher(text).matches();
  }

  /**
   * In YAML a typographic quote is not a syntax error: {@code name: “api”} is the five-letter
   * string with the quotes in it. Nobody means that, so it is an error here.
   */
  private void checkQuotes(ScalarNode scalar, Location at) {
    String text = scalar.getValue();
    if (scalar.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN
        && !text.isEmpty()
        && JsLiteralReader.TYPOGRAPHIC_QUOTES.indexOf(text.charAt(0)) >= 0) {
      errors.add(JsLiteralReader.typographicQuoteError(source, at, text.charAt(0)));
    }
  }

  private Diagnostic syntaxError(MarkedYAMLException e) {
    Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    Location at = at(mark);
    String problem = e.getProblem() == null ? "not understood" : e.getProblem();
    if (problem.contains("\\t(TAB)")) {
      return source.error(
          at,
          "",
          "YAML syntax: a tab, where YAML indents with spaces",
          "replace the tab with spaces");
    }
    String context = e.getContext() == null ? "" : e.getContext() + ": ";
    return source.error(at, "", "YAML syntax: " + context + problem, "");
  }
}
