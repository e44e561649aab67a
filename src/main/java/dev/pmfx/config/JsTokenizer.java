package dev.pmfx.config;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Splits JavaScript text into tokens as far as a config needs: strings with their escapes read,
 * templates, numbers, names, regular expressions and punctuation, each with its line and column.
 * Comments and whitespace are dropped. Never throws: what it cannot read it reports in {@link
 * #problems}, typographic quotes in {@link #quoteErrors}.
 */
final class JsTokenizer {

  enum Kind {
    PUNCT,
    STRING,
    TEMPLATE,
    NUMBER,
    IDENT,
    REGEX,
    EOF
  }

  record Token(
      Kind kind, String text, String value, int offset, int end, Location at, boolean newline) {
    boolean is(String punct) {
      return kind == Kind.PUNCT && text.equals(punct);
    }

    boolean isIdent(String name) {
      return kind == Kind.IDENT && text.equals(name);
    }
  }

  private final SourceText source;
  private final String text;
  private final List<Token> tokens = new ArrayList<>();
  private final List<Diagnostic> quoteErrors = new ArrayList<>();
  private final List<Diagnostic> problems = new ArrayList<>();
  private int line = 1;
  private int lineStart = 0;

  /** Tokenizes all of {@code source}; the last token is always {@link Kind#EOF}. */
  JsTokenizer(SourceText source) {
    this.source = source;
    this.text = source.text();
    tokenize();
  }

  List<Token> tokens() {
    return List.copyOf(tokens);
  }

  /** Typographic quotes used as quotes: errors whether or not Node.js runs. */
  List<Diagnostic> quoteErrors() {
    return List.copyOf(quoteErrors);
  }

  /** Strings, templates and comments that are never closed. */
  List<Diagnostic> problems() {
    return List.copyOf(problems);
  }

  private Location locationOf(int offset) {
    return new Location(line, offset - lineStart + 1);
  }

  private void tokenize() {
    int i = 0;
    boolean newline = true;
    if (text.startsWith("#!")) {
      while (i < text.length() && text.charAt(i) != '\n') {
        i++;
      }
    }
    while (true) {
      // whitespace and comments
      while (i < text.length()) {
        char c = text.charAt(i);
        if (c == '\n') {
          newline = true;
          i++;
          line++;
          lineStart = i;
        } else if (Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\uFEFF') {
          i++;
        } else if (text.startsWith("//", i)) {
          while (i < text.length() && text.charAt(i) != '\n') {
            i++;
          }
        } else if (text.startsWith("/*", i)) {
          Location at = locationOf(i);
          int close = text.indexOf("*/", i + 2);
          int stop = close < 0 ? text.length() : close + 2;
          for (int k = i; k < stop; k++) {
            if (text.charAt(k) == '\n') {
              line++;
              lineStart = k + 1;
              newline = true;
            }
          }
          if (close < 0) {
            problems.add(source.error(at, "", "comment /* is never closed with */", ""));
          }
          i = stop;
        } else {
          break;
        }
      }
      if (i >= text.length()) {
        tokens.add(new Token(Kind.EOF, "", "", i, i, locationOf(i), newline));
        return;
      }
      char c = text.charAt(i);
      Location at = locationOf(i);
      int start = i;
      if (c == '\'' || c == '"') {
        StringBuilder value = new StringBuilder();
        i = readQuoted(i, c, value);
        tokens.add(
            new Token(
                Kind.STRING, text.substring(start, i), value.toString(), start, i, at, newline));
      } else if (c == '`') {
        StringBuilder value = new StringBuilder();
        boolean[] interpolated = {false};
        i = readTemplate(i, value, interpolated);
        Kind kind = interpolated[0] ? Kind.TEMPLATE : Kind.STRING;
        tokens.add(
            new Token(kind, text.substring(start, i), value.toString(), start, i, at, newline));
      } else if (JsLiteralReader.TYPOGRAPHIC_QUOTES.indexOf(c) >= 0) {
        quoteErrors.add(JsLiteralReader.typographicQuoteError(source, at, c));
        i++;
        while (i < text.length()
            && JsLiteralReader.TYPOGRAPHIC_QUOTES.indexOf(text.charAt(i)) < 0
            && text.charAt(i) != '\n') {
          i++;
        }
        if (i < text.length() && text.charAt(i) != '\n') {
          i++;
        }
        String raw = text.substring(start, i);
        String value = raw.length() >= 2 ? raw.substring(1, raw.length() - 1) : "";
        tokens.add(new Token(Kind.STRING, raw, value, start, i, at, newline));
      } else if (Character.isDigit(c)
          || (c == '.' && i + 1 < text.length() && Character.isDigit(text.charAt(i + 1)))) {
        i++;
        while (i < text.length()
            && (Character.isLetterOrDigit(text.charAt(i))
                || text.charAt(i) == '.'
                || text.charAt(i) == '_'
                || ((text.charAt(i) == '+' || text.charAt(i) == '-')
                    && (text.charAt(i - 1) == 'e' || text.charAt(i - 1) == 'E')
                    && !text.startsWith("0x", start)
                    && !text.startsWith("0X", start)))) {
          i++;
        }
        String raw = text.substring(start, i);
        tokens.add(new Token(Kind.NUMBER, raw, raw, start, i, at, newline));
      } else if (Character.isJavaIdentifierStart(c) || c == '\\') {
        i++;
        while (i < text.length() && Character.isJavaIdentifierPart(text.charAt(i))) {
          i++;
        }
        String raw = text.substring(start, i);
        tokens.add(new Token(Kind.IDENT, raw, raw, start, i, at, newline));
      } else if (c == '/' && regexAllowed()) {
        i = readRegex(i);
        tokens.add(new Token(Kind.REGEX, text.substring(start, i), "", start, i, at, newline));
      } else {
        int length = text.startsWith("...", i) ? 3 : text.startsWith("=>", i) ? 2 : 1;
        if (length == 1 && c == '=' && text.startsWith("==", i)) {
          length = text.startsWith("===", i) ? 3 : 2;
        }
        i += length;
        String raw = text.substring(start, i);
        tokens.add(new Token(Kind.PUNCT, raw, raw, start, i, at, newline));
      }
      newline = false;
    }
  }

  private static final Set<String> REGEX_AFTER_WORDS =
      Set.of(
          "return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw");

  private boolean regexAllowed() {
    if (tokens.isEmpty()) {
      return true;
    }
    Token previous = tokens.getLast();
    return switch (previous.kind()) {
      case PUNCT -> !previous.is(")") && !previous.is("]") && !previous.is("}");
      case IDENT -> REGEX_AFTER_WORDS.contains(previous.text());
      default -> false;
    };
  }

  private int readQuoted(int i, char quote, StringBuilder value) {
    Location at = locationOf(i);
    i++;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == quote) {
        return i + 1;
      }
      if (c == '\n') {
        break;
      }
      if (c == '\\' && i + 1 < text.length()) {
        i = readEscape(i, value);
        continue;
      }
      value.append(c);
      i++;
    }
    problems.add(source.error(at, "", "string starting here is not closed on its line", ""));
    return i;
  }

  /**
   * Reads the escape at {@code i} (a backslash) into {@code value}; returns where the text goes on.
   * A malformed escape is kept as written: Node.js, when present, judges it.
   */
  private int readEscape(int i, StringBuilder value) {
    char e = text.charAt(i + 1);
    switch (e) {
      case 'n' -> value.append('\n');
      case 't' -> value.append('\t');
      case 'r' -> value.append('\r');
      case 'b' -> value.append('\b');
      case 'f' -> value.append('\f');
      case 'v' -> value.append('\u000B');
      case '0' -> value.append('\0');
      case '\n' -> {
        line++;
        lineStart = i + 2;
      }
      case '\r' -> {
        // a line continuation with a CRLF ending
        int next = i + 2 < text.length() && text.charAt(i + 2) == '\n' ? i + 3 : i + 2;
        line++;
        lineStart = next;
        return next;
      }
      case 'x' -> {
        OptionalInt code = hex(i + 2, i + 4);
        if (code.isPresent()) {
          value.append((char) code.getAsInt());
          return i + 4;
        }
        value.append(e);
      }
      case 'u' -> {
        if (i + 2 < text.length() && text.charAt(i + 2) == '{') {
          int close = text.indexOf('}', i + 3);
          OptionalInt code = close > 0 ? hex(i + 3, close) : OptionalInt.empty();
          if (code.isPresent() && Character.isValidCodePoint(code.getAsInt())) {
            value.appendCodePoint(code.getAsInt());
            return close + 1;
          }
        } else {
          OptionalInt code = hex(i + 2, i + 6);
          if (code.isPresent()) {
            value.append((char) code.getAsInt());
            return i + 6;
          }
        }
        value.append(e);
      }
      default -> value.append(e);
    }
    return i + 2;
  }

  private OptionalInt hex(int from, int to) {
    if (to > text.length() || to <= from || to - from > 6) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseInt(text.substring(from, to), 16));
    } catch (NumberFormatException notHex) {
      return OptionalInt.empty();
    }
  }

  private int readTemplate(int i, StringBuilder value, boolean[] interpolated) {
    Location at = locationOf(i);
    i++;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '`') {
        return i + 1;
      }
      if (c == '\\' && i + 1 < text.length()) {
        i = readEscape(i, value);
        continue;
      }
      if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
        interpolated[0] = true;
        i = skipInterpolation(i + 2);
        continue;
      }
      if (c == '\n') {
        line++;
        lineStart = i + 1;
      }
      value.append(c);
      i++;
    }
    problems.add(source.error(at, "", "template string starting here is never closed with `", ""));
    return i;
  }

  /** Skips a template's {@code ${ ... }} up to its closing brace, minding nested strings. */
  private int skipInterpolation(int i) {
    int depth = 1;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return i + 1;
      } else if (c == '\'' || c == '"') {
        i = readQuoted(i, c, new StringBuilder());
        continue;
      } else if (c == '`') {
        i = readTemplate(i, new StringBuilder(), new boolean[1]);
        continue;
      } else if (c == '\n') {
        line++;
        lineStart = i + 1;
      }
      i++;
    }
    return i;
  }

  private int readRegex(int i) {
    i++;
    boolean inClass = false;
    while (i < text.length() && text.charAt(i) != '\n') {
      char c = text.charAt(i);
      if (c == '\\') {
        i = Math.min(i + 2, text.length());
        continue;
      }
      if (c == '[') {
        inClass = true;
      } else if (c == ']') {
        inClass = false;
      } else if (c == '/' && !inClass) {
        i++;
        while (i < text.length() && Character.isLetter(text.charAt(i))) {
          i++;
        }
        return i;
      }
      i++;
    }
    return i;
  }
}
