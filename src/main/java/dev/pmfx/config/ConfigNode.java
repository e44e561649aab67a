package dev.pmfx.config;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * A config value with the place it was written. JSON and YAML files give every node its own place;
 * a .js config gives the place of the literal, or of the expression that computed it.
 */
public sealed interface ConfigNode {

  Location location();

  /** Returns the same value with another location, used to carry places onto evaluated values. */
  ConfigNode at(Location location);

  /** What the value is, in the words an error message uses ("a string", "an object"). */
  String kind();

  record ObjectNode(Location location, List<Member> members) implements ConfigNode {
    public ObjectNode {
      members = List.copyOf(members);
    }

    /** The last member with this key, as JavaScript and JSON.parse both let the last one win. */
    public Optional<Member> member(String key) {
      for (int i = members.size() - 1; i >= 0; i--) {
        if (members.get(i).key().equals(key)) {
          return Optional.of(members.get(i));
        }
      }
      return Optional.empty();
    }

    @Override
    public ObjectNode at(Location where) {
      return new ObjectNode(where, members);
    }

    @Override
    public String kind() {
      return "an object";
    }
  }

  record Member(String key, Location keyLocation, ConfigNode value) {}

  /**
   * A list. {@code exact} is false when a .js literal spreads another list into it, so its indices
   * no longer match the evaluated list's.
   */
  record ArrayNode(Location location, List<ConfigNode> items, boolean exact) implements ConfigNode {
    public ArrayNode {
      items = List.copyOf(items);
    }

    @Override
    public ArrayNode at(Location where) {
      return new ArrayNode(where, items, exact);
    }

    @Override
    public String kind() {
      return "a list";
    }
  }

  record TextNode(Location location, String value) implements ConfigNode {
    @Override
    public TextNode at(Location where) {
      return new TextNode(where, value);
    }

    @Override
    public String kind() {
      return "a string";
    }
  }

  record NumberNode(Location location, BigDecimal value) implements ConfigNode {
    @Override
    public NumberNode at(Location where) {
      return new NumberNode(where, value);
    }

    @Override
    public String kind() {
      return "a number";
    }

    public boolean whole() {
      return value.stripTrailingZeros().scale() <= 0;
    }
  }

  record BoolNode(Location location, boolean value) implements ConfigNode {
    @Override
    public BoolNode at(Location where) {
      return new BoolNode(where, value);
    }

    @Override
    public String kind() {
      return "a boolean";
    }
  }

  record NullNode(Location location) implements ConfigNode {
    @Override
    public NullNode at(Location where) {
      return new NullNode(where);
    }

    @Override
    public String kind() {
      return "null";
    }
  }

  /** A .js expression whose value only Node.js can tell, such as {@code os.cpus().length}. */
  record ComputedNode(Location location, String source) implements ConfigNode {
    @Override
    public ComputedNode at(Location where) {
      return new ComputedNode(where, source);
    }

    @Override
    public String kind() {
      return "a computed value";
    }
  }
}
