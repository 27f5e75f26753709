package org.mailward.gateway.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A YAML value with the position (1-based line and column) where it starts, for error messages. */
public sealed interface YamlNode {

    int line();

    int column();

    record Scalar(String text, boolean isNull, int line, int column) implements YamlNode {
    }

    record Seq(List<YamlNode> items, int line, int column) implements YamlNode {
        public Seq {
            items = List.copyOf(items);
        }
    }

    /** A mapping; {@code keyPositions} holds where each key was written. */
    record Map_(Map<String, YamlNode> entries, Map<String, int[]> keyPositions, int line, int column) implements YamlNode {
        public Map_ {
            entries = new LinkedHashMap<>(entries);
            keyPositions = new LinkedHashMap<>(keyPositions);
        }
    }

    default String kind() {
        return switch (this) {
            case Scalar s -> s.isNull() ? "null" : "a scalar";
            case Seq s -> "a list";
            case Map_ m -> "a mapping";
        };
    }
}
