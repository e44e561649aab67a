package dev.pmfx.config;

import dev.pmfx.config.ConfigNode.ArrayNode;
import dev.pmfx.config.ConfigNode.BoolNode;
import dev.pmfx.config.ConfigNode.ComputedNode;
import dev.pmfx.config.ConfigNode.Member;
import dev.pmfx.config.ConfigNode.NullNode;
import dev.pmfx.config.ConfigNode.NumberNode;
import dev.pmfx.config.ConfigNode.ObjectNode;
import dev.pmfx.config.ConfigNode.TextNode;
import dev.pmfx.config.JsTokenizer.Kind;
import dev.pmfx.config.JsTokenizer.Token;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads what a .js ecosystem file exports, as far as it is written literally: the object or array
 * after {@code module.exports =} or {@code export default} (or the {@code const} it names).
 * Expressions only Node.js can evaluate become {@link ComputedNode}s at their place.
 *
 * <p>pmfx uses the result twice: as the config itself when Node.js is not installed, and as the map
 * from keys to lines when it is, since the JSON that Node.js prints has lost them. It is tolerant:
 * it never throws, and what it cannot read it reports in {@link Result#problems}.
 */
final class JsLiteralReader {

  /** Characters that word processors and web pages put where a config needs a plain quote. */
  static final String TYPOGRAPHIC_QUOTES = "\u2018\u2019\u201A\u201B\u201C\u201D\u201E\u201F";

  /**
   * @param exported the exported value; empty when no export was found
   * @param quoteErrors typographic quotes used as quotes: errors whether or not Node.js runs
   * @param problems syntax this reader could not follow; Node.js, when present, has the last word
   */
  record Result(
      Optional<ConfigNode> exported,
      List<Diagnostic> quoteErrors,
      List<Diagnostic> problems,
      Optional<Location> changedAfterExport) {}

  private final SourceText source;
  private final String text;
  private final List<Token> tokens;
  private final List<Diagnostic> quoteErrors;
  private final List<Diagnostic> problems;
  private int pos;
  private int nesting;
  private Location changedAfterExport;

  /** Deeper than this, a config is not a config; the rest is skipped as one expression. */
  private static final int MAX_NESTING = 200;

  private JsLiteralReader(SourceText source) {
    JsTokenizer tokenizer = new JsTokenizer(source);
    this.source = source;
    this.text = source.text();
    this.tokens = tokenizer.tokens();
    this.quoteErrors = tokenizer.quoteErrors();
    this.problems = new ArrayList<>(tokenizer.problems());
  }

  static Result read(SourceText source) {
    JsLiteralReader reader = new JsLiteralReader(source);
    Optional<ConfigNode> exported = reader.exported();
    return new Result(
        exported,
        List.copyOf(reader.quoteErrors),
        List.copyOf(reader.problems),
        Optional.ofNullable(reader.changedAfterExport));
  }

  /** Typographic quotes used as quotes in JSON text (which tokenizes as JavaScript does). */
  static List<Diagnostic> typographicQuotes(SourceText source) {
    return new JsTokenizer(source).quoteErrors();
  }

  static String withPlainQuotes(String line) {
    return line.replaceAll("[\u2018\u2019\u201A\u201B]", "'")
        .replaceAll("[\u201C\u201D\u201E\u201F]", "\"");
  }

  static Diagnostic typographicQuoteError(SourceText source, Location at, char quote) {
    return source.error(
        at,
        "",
        String.format(
            "typographic quote %c (U+%04X) where a plain quote belongs; configs copied from web"
                + " pages and word processors often carry these",
            quote, (int) quote),
        "with plain quotes the line reads:  " + withPlainQuotes(source.line(at.line())).strip());
  }

  // ---------------------------------------------------------------- values

  private Optional<ConfigNode> exported() {
    Map<String, Integer> declarations = new HashMap<>();
    int exportStart = -1;
    int depth = 0;
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.is("(") || t.is("[") || t.is("{")) {
        depth++;
      } else if (t.is(")") || t.is("]") || t.is("}")) {
        depth--;
      } else if (depth == 0 && t.kind() == Kind.IDENT) {
        if (t.text().equals("module")
            && i + 3 < tokens.size()
            && tokens.get(i + 1).is(".")
            && tokens.get(i + 2).isIdent("exports")
            && tokens.get(i + 3).is("=")) {
          exportStart = i + 4;
        } else if (t.text().equals("export") && token(i + 1).isIdent("default")) {
          exportStart = i + 2;
        } else if ((t.text().equals("const") || t.text().equals("let") || t.text().equals("var"))
            && token(i + 1).kind() == Kind.IDENT
            && token(i + 2).is("=")) {
          declarations.put(token(i + 1).text(), i + 3);
        }
      }
    }
    if (exportStart < 0) {
      return Optional.empty();
    }
    String exportedName = null;
    for (int hops = 0; hops < 4; hops++) {
      Token first = token(exportStart);
      Token after = token(exportStart + 1);
      boolean bareName =
          first.kind() == Kind.IDENT
              && (after.kind() == Kind.EOF || after.is(";") || after.newline())
              && declarations.containsKey(first.text());
      if (!bareName) {
        break;
      }
      exportedName = first.text();
      exportStart = declarations.get(first.text());
    }
    changedAfterExport = findChange(exportedName);
    pos = exportStart;
    ConfigNode value = value(true);
    return Optional.of(value == null ? new NullNode(tokens.get(exportStart).at()) : value);
  }

  /**
   * Where the file changes what it exports after writing it, as in {@code config.apps[0].instances
   * = 8} or {@code module.exports.apps.push(...)}: only Node.js can tell the result.
   */
  private Location findChange(String exportedName) {
    for (int i = 0; i + 2 < tokens.size(); i++) {
      Token t = tokens.get(i);
      boolean previousIsDot = i > 0 && tokens.get(i - 1).is(".");
      if (previousIsDot || t.kind() != Kind.IDENT) {
        continue;
      }
      boolean member = tokens.get(i + 1).is(".") || tokens.get(i + 1).is("[");
      if (member && t.text().equals(exportedName)) {
        return t.at();
      }
      if (t.text().equals("module")
          && tokens.get(i + 1).is(".")
          && tokens.get(i + 2).isIdent("exports")
          && (token(i + 3).is(".") || token(i + 3).is("["))) {
        return t.at();
      }
    }
    return null;
  }

  private Token token(int index) {
    return tokens.get(Math.min(index, tokens.size() - 1));
  }

  private Token peek() {
    return tokens.get(Math.min(pos, tokens.size() - 1));
  }

  private Token next() {
    Token t = peek();
    if (pos < tokens.size() - 1) {
      pos++;
    }
    return t;
  }

  private boolean atValueEnd(boolean topLevel) {
    Token t = peek();
    return t.kind() == Kind.EOF
        || t.is(",")
        || t.is("}")
        || t.is("]")
        || t.is(")")
        || t.is(";")
        || (topLevel && t.newline());
  }

  /** One value; {@code null} for {@code undefined}, which JSON drops as Node.js does. */
  private ConfigNode value(boolean topLevel) {
    int start = pos;
    Token t = peek();
    ConfigNode literal = null;
    boolean undefined = false;
    if ((t.is("{") || t.is("[")) && nesting >= MAX_NESTING) {
      problems.add(
          source.error(t.at(), "", "nested more than " + MAX_NESTING + " levels deep", ""));
      return computed(topLevel);
    }
    if (t.is("{")) {
      nesting++;
      literal = object();
      nesting--;
    } else if (t.is("[")) {
      nesting++;
      literal = array();
      nesting--;
    } else if (t.kind() == Kind.STRING) {
      next();
      literal = new TextNode(t.at(), t.value());
    } else if (t.kind() == Kind.NUMBER) {
      next();
      literal = number(t, false);
    } else if (t.is("-") && token(pos + 1).kind() == Kind.NUMBER) {
      next();
      literal = number(next(), true);
      literal = literal == null ? null : literal.at(t.at());
    } else if (t.isIdent("true") || t.isIdent("false")) {
      next();
      literal = new BoolNode(t.at(), t.text().equals("true"));
    } else if (t.isIdent("null")) {
      next();
      literal = new NullNode(t.at());
    } else if (t.isIdent("undefined")) {
      next();
      undefined = true;
    }
    if ((literal != null || undefined) && atValueEnd(topLevel)) {
      return literal;
    }
    if ((literal != null || undefined) && startsAnotherValue(peek())) {
      return literal; // a missing comma: the list or object around it reports the token
    }
    pos = start;
    return computed(topLevel);
  }

  private static boolean startsAnotherValue(Token t) {
    return t.kind() == Kind.IDENT
        || t.kind() == Kind.STRING
        || t.kind() == Kind.TEMPLATE
        || t.kind() == Kind.NUMBER
        || t.is("{");
  }

  private NumberNode number(Token t, boolean negative) {
    String raw = t.text().replace("_", "");
    BigDecimal value;
    try {
      if (raw.length() > 2 && raw.charAt(0) == '0' && "xXoObB".indexOf(raw.charAt(1)) >= 0) {
        int radix =
            switch (Character.toLowerCase(raw.charAt(1))) {
              case 'x' -> 16;
              case 'o' -> 8;
              default -> 2;
            };
        value = new BigDecimal(new BigInteger(raw.substring(2), radix));
      } else {
        value = new BigDecimal(raw);
      }
    } catch (NumberFormatException notANumber) {
      problems.add(source.error(t.at(), "", "'" + t.text() + "' is not a number", ""));
      return null;
    }
    return new NumberNode(t.at(), negative ? value.negate() : value);
  }

  /** Skips an expression up to the end of its value; Node.js will evaluate it. */
  private ComputedNode computed(boolean topLevel) {
    Token first = peek();
    int depth = 0;
    Token last = first;
    while (peek().kind() != Kind.EOF) {
      Token t = peek();
      if (depth == 0 && (t.is(",") || t.is(";") || t.is(")") || t.is("]") || t.is("}"))) {
        break;
      }
      if (topLevel && depth == 0 && t != first && t.newline() && t.is(";")) {
        break;
      }
      if (t.is("(") || t.is("[") || t.is("{")) {
        depth++;
      } else if (t.is(")") || t.is("]") || t.is("}")) {
        depth--;
      }
      last = next();
    }
    String expression = text.substring(first.offset(), Math.max(first.offset(), last.end()));
    expression = expression.replaceAll("\\s+", " ").strip();
    if (expression.length() > 60) {
      expression = expression.substring(0, 57) + "...";
    }
    return new ComputedNode(first.at(), expression);
  }

  /** {@code ...expression}, as a computed value whose source starts with the dots. */
  private ComputedNode spread(Token dots) {
    return new ComputedNode(dots.at(), "..." + computed(false).source());
  }

  static boolean isSpread(ConfigNode node) {
    return node instanceof ComputedNode c && c.source().startsWith("...");
  }

  private ObjectNode object() {
    Token open = next();
    List<Member> members = new ArrayList<>();
    while (true) {
      int before = pos;
      Token t = peek();
      if (t.is("}")) {
        next();
        break;
      }
      if (t.kind() == Kind.EOF) {
        problems.add(source.error(open.at(), "", "this { is never closed with }", ""));
        break;
      }
      if (t.is("...")) {
        // Node.js knows what a spread brings; without it, the config cannot be read.
        next();
        members.add(new Member("...", t.at(), spread(t)));
      } else if (t.is("[")) {
        int start = pos;
        skipBalanced();
        String key = text.substring(t.offset(), token(pos - 1).end());
        pos = peek().is(":") ? pos + 1 : start;
        members.add(new Member(key, t.at(), computed(false)));
      } else if (t.kind() == Kind.IDENT || t.kind() == Kind.STRING || t.kind() == Kind.NUMBER) {
        next();
        String key = t.kind() == Kind.STRING ? t.value() : t.text();
        Token after = peek();
        if (after.is(":")) {
          next();
          ConfigNode value = value(false);
          if (value != null) {
            members.add(new Member(key, t.at(), value));
          }
        } else if ((after.is(",") || after.is("}")) && t.kind() == Kind.IDENT) {
          members.add(new Member(key, t.at(), new ComputedNode(t.at(), key)));
        } else {
          // a method, getter or async function: JSON drops functions, so no member
          skipToMemberEnd();
        }
      } else {
        problems.add(unexpected(t, "a key"));
        skipToMemberEnd();
      }
      Token separator = peek();
      if (separator.is(",")) {
        next();
      } else if (!separator.is("}") && separator.kind() != Kind.EOF) {
        problems.add(unexpected(separator, "',' or '}'"));
        if (separator.is("]") || separator.is(")")) {
          break; // closed with the wrong bracket: let the enclosing list have it
        }
        skipToMemberEnd();
        if (peek().is(",")) {
          next();
        }
      }
      if (pos == before) {
        next(); // always move on, whatever the input
      }
    }
    return new ObjectNode(open.at(), members);
  }

  private ArrayNode array() {
    Token open = next();
    List<ConfigNode> items = new ArrayList<>();
    boolean exact = true;
    while (true) {
      int before = pos;
      Token t = peek();
      if (t.is("]")) {
        next();
        break;
      }
      if (t.kind() == Kind.EOF) {
        problems.add(source.error(open.at(), "", "this [ is never closed with ]", ""));
        break;
      }
      if (t.is("...")) {
        next();
        items.add(spread(t));
        exact = false;
      } else if (t.is(",")) {
        items.add(new NullNode(t.at()));
      } else {
        ConfigNode item = value(false);
        items.add(item == null ? new NullNode(t.at()) : item);
      }
      Token separator = peek();
      if (separator.is(",")) {
        next();
      } else if (!separator.is("]") && separator.kind() != Kind.EOF) {
        problems.add(unexpected(separator, "',' or ']'"));
        if (separator.is("}") || separator.is(")")) {
          break; // closed with the wrong bracket: let the enclosing object have it
        }
        skipToMemberEnd();
        if (peek().is(",")) {
          next();
        }
      }
      if (pos == before) {
        next(); // always move on, whatever the input
      }
    }
    return new ArrayNode(open.at(), items, exact);
  }

  private void skipBalanced() {
    int depth = 0;
    do {
      Token t = next();
      if (t.is("(") || t.is("[") || t.is("{")) {
        depth++;
      } else if (t.is(")") || t.is("]") || t.is("}")) {
        depth--;
      } else if (t.kind() == Kind.EOF) {
        return;
      }
    } while (depth > 0);
  }

  private void skipToMemberEnd() {
    int depth = 0;
    while (peek().kind() != Kind.EOF) {
      Token t = peek();
      if (depth == 0 && (t.is(",") || t.is("}") || t.is("]"))) {
        return;
      }
      if (t.is("(") || t.is("[") || t.is("{")) {
        depth++;
      } else if (t.is(")") || t.is("]") || t.is("}")) {
        depth--;
      }
      next();
    }
  }

  private Diagnostic unexpected(Token t, String expected) {
    String found = t.kind() == Kind.EOF ? "end of file" : "'" + t.text() + "'";
    return source.error(t.at(), "", "unexpected " + found + " where " + expected + " belongs", "");
  }
}
