package dev.pmfx.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pmfx.config.ConfigNode.ArrayNode;
import dev.pmfx.config.ConfigNode.BoolNode;
import dev.pmfx.config.ConfigNode.ComputedNode;
import dev.pmfx.config.ConfigNode.Member;
import dev.pmfx.config.ConfigNode.NullNode;
import dev.pmfx.config.ConfigNode.NumberNode;
import dev.pmfx.config.ConfigNode.ObjectNode;
import dev.pmfx.config.ConfigNode.TextNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads JSON into {@link ConfigNode}s that remember where each key and value was written, so that
 * every later finding can name its line. Jackson's own trees forget that.
 */
final class TreeReader {

  record Result(Optional<ConfigNode> root, List<Diagnostic> errors) {}

  /**
   * PM2 evaluates .json files as JavaScript, so its users' JSON has comments, single quotes,
   * unquoted keys and trailing commas. Jackson reads those and still knows every token's place.
   */
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
          .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
          .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
          .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
          .enable(JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS)
          .enable(JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS)
          .build();

  private final SourceText source;
  private final List<Diagnostic> errors = new ArrayList<>();
  private JsonParser parser;

  private TreeReader(SourceText source) {
    this.source = source;
  }

  static Result read(SourceText source) {
    TreeReader reader = new TreeReader(source);
    try (JsonParser parser = JSON.createParser(source.text())) {
      reader.parser = parser;
      JsonToken first = parser.nextToken();
      if (first == null) {
        reader.errors.add(
            source.error(
                new Location(1, 1),
                "",
                "the file is empty",
                "a config lists apps: {\"apps\": [...]}"));
        return new Result(Optional.empty(), reader.errors);
      }
      ConfigNode root = reader.value(parser);
      if (parser.nextToken() != null) {
        reader.errors.add(
            source.error(
                location(parser.currentTokenLocation()),
                "",
                "more text after the config's closing bracket",
                "a .json file holds one value: {\"apps\": [...]}"));
      }
      return new Result(Optional.of(root), List.copyOf(reader.errors));
    } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
      reader.errors.add(reader.tooBig(e));
      return new Result(Optional.empty(), List.copyOf(reader.errors));
    } catch (JsonProcessingException e) {
      reader.errors.add(reader.syntaxError(e));
      return new Result(Optional.empty(), List.copyOf(reader.errors));
    } catch (IOException e) {
      reader.errors.add(source.error(Location.UNKNOWN, "", "cannot read: " + e.getMessage(), ""));
      return new Result(Optional.empty(), List.copyOf(reader.errors));
    }
  }

  /** Converts what Node.js printed: the values are right, their places come from elsewhere. */
  static ConfigNode fromEvaluated(JsonNode value) {
    Location nowhere = Location.UNKNOWN;
    if (value.isObject() && value.size() == 1 && value.has("$pmfx:value")) {
      return new ComputedNode(nowhere, value.get("$pmfx:value").asText());
    }
    if (value.isObject()) {
      List<Member> members = new ArrayList<>();
      value
          .properties()
          .forEach(e -> members.add(new Member(e.getKey(), nowhere, fromEvaluated(e.getValue()))));
      return new ObjectNode(nowhere, members);
    }
    if (value.isArray()) {
      List<ConfigNode> items = new ArrayList<>();
      value.forEach(item -> items.add(fromEvaluated(item)));
      return new ArrayNode(nowhere, items, true);
    }
    if (value.isNumber()) {
      return new NumberNode(nowhere, value.decimalValue());
    }
    if (value.isBoolean()) {
      return new BoolNode(nowhere, value.booleanValue());
    }
    if (value.isNull() || value.isMissingNode()) {
      return new NullNode(nowhere);
    }
    return new TextNode(nowhere, value.asText());
  }

  private static Location location(JsonLocation at) {
    return at == null || at.getLineNr() < 1
        ? Location.UNKNOWN
        : new Location(at.getLineNr(), Math.max(1, at.getColumnNr()));
  }

  private ConfigNode value(JsonParser parser) throws IOException {
    Location at = location(parser.currentTokenLocation());
    JsonToken token = parser.currentToken();
    return switch (token) {
      case START_OBJECT -> object(parser, at);
      case START_ARRAY -> array(parser, at);
      case VALUE_STRING -> new TextNode(at, parser.getText());
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new NumberNode(at, parser.getDecimalValue());
      case VALUE_TRUE -> new BoolNode(at, true);
      case VALUE_FALSE -> new BoolNode(at, false);
      case VALUE_NULL -> new NullNode(at);
      default -> new TextNode(at, parser.getText());
    };
  }

  private ObjectNode object(JsonParser parser, Location at) throws IOException {
    List<Member> members = new ArrayList<>();
    Map<String, Location> seen = new HashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      Location keyAt = location(parser.currentTokenLocation());
      String key = parser.currentName();
      parser.nextToken();
      ConfigNode value = value(parser);
      Location first = seen.putIfAbsent(key, keyAt);
      if (first != null) {
        errors.add(source.duplicateKey(keyAt, key, first));
      }
      members.add(new Member(key, keyAt, value));
    }
    return new ObjectNode(at, members);
  }

  private ArrayNode array(JsonParser parser, Location at) throws IOException {
    List<ConfigNode> items = new ArrayList<>();
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      items.add(value(parser));
    }
    return new ArrayNode(at, items, true);
  }

  /**
   * Past one of the parser's bounds (nesting, a key's or a value's length), which carry no place of
   * their own: the error is at the last token read, in words rather than the parser's.
   */
  private Diagnostic tooBig(com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
    Location at = location(e.getLocation());
    if (!at.known() && parser != null) {
      at = location(parser.currentLocation()); // where the parser stopped, kept after its close
    }
    String message = e.getOriginalMessage();
    int cut = message.indexOf(", from `");
    if (cut >= 0) {
      message = message.substring(0, cut) + ")";
    }
    return source.error(at, "", "JSON: more than pmfx reads: " + message, "");
  }

  private Diagnostic syntaxError(JsonProcessingException e) {
    Location at = location(e.getLocation());
    String message = e.getOriginalMessage();
    int cut = message.indexOf("\n at [Source");
    if (cut >= 0) {
      message = message.substring(0, cut);
    }
    return source.error(at, "", "JSON syntax: " + message, "");
  }
}
