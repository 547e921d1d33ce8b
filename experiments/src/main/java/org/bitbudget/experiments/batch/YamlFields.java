package org.bitbudget.experiments.batch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bitbudget.experiments.batch.YamlTree.Node;
import org.bitbudget.ir.UnknownNameException;

/**
 * Typed values out of the nodes of one experiment YAML: texts, names, integers, durations, one of a
 * list of names, lists without repeats. Every error is one line naming the file, the line and the
 * field, as {@link ExperimentParser} promises.
 */
final class YamlFields {
    private static final Pattern TIME = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min|h)?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final String source;

    /** Fields of the YAML file {@code source} (as its errors name it). */
    YamlFields(String source) {
        this.source = source;
    }

    /** Reads one value of a list. */
    interface Reader<T> {
        T read(Node n);
    }

    /** Refuses a field of {@code node} not in {@code known}. */
    void checkFields(Node node, Set<String> known) {
        for (var e : node.map().entrySet()) {
            if (!known.contains(e.getKey())) {
                throw e.getValue()
                        .error(
                                source,
                                "unknown field (known: "
                                        + String.join(
                                                ", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    /** An integer. */
    long integer(Node n) {
        if (!(n.value() instanceof Long l)) {
            throw n.error(source, "must be an integer, not " + n.describe());
        }
        return l;
    }

    /** An integer from 1 to {@link Integer#MAX_VALUE}. */
    int positiveInt(Node n) {
        long v = integer(n);
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw n.error(source, "must be a positive integer, not " + v);
        }
        return (int) v;
    }

    /** A duration in seconds: a number, or a text such as {@code 90s}, {@code 2m}, {@code 500ms}, {@code 1h}. */
    double seconds(Node n) {
        if (n.value() instanceof Long || n.value() instanceof Double) {
            double v = ((Number) n.value()).doubleValue();
            if (v < 0) {
                throw n.error(source, "must not be negative");
            }
            return v;
        }
        String t = text(n);
        Matcher m = TIME.matcher(t.strip());
        if (!m.matches()) {
            throw n.error(source, "'" + t + "' is not a duration such as 90, 90s, 2m, 500ms or 1h");
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> v / 1000;
            case "m", "min" -> v * 60;
            case "h" -> v * 3600;
            default -> v;
        };
    }

    /** One of {@code known}, case-insensitive, in lower case. */
    String oneOf(Node n, List<String> known) {
        String t = text(n).toLowerCase(Locale.ROOT);
        if (!known.contains(t)) {
            throw n.error(source, UnknownNameException.reason(text(n), known));
        }
        return t;
    }

    /** A non-empty text, stripped. */
    String text(Node n) {
        if (!n.isScalar() || n.value() instanceof Boolean) {
            throw n.error(source, "must be a text, not " + n.describe());
        }
        String t = n.value().toString().strip();
        if (t.isEmpty()) {
            throw n.error(source, "is empty");
        }
        return t;
    }

    /** One value or a list of values, each read by {@code reader}; a value listed twice is an error. */
    <T> List<T> strings(Node node, Reader<T> reader) {
        List<T> out = new ArrayList<>();
        List<Node> items = node.isList() ? node.list() : List.of(node);
        Set<T> seen = new HashSet<>();
        for (Node item : items) {
            T v = reader.read(item);
            if (!seen.add(v)) {
                throw item.error(source, "'" + v + "' is listed twice");
            }
            out.add(v);
        }
        return out;
    }

    /** A name: letters, digits, {@code .}, {@code _}, {@code -}. */
    String name(Node node) {
        String t = text(node);
        if (!NAME.matcher(t).matches()) {
            throw node.error(source, "'" + t + "' is not a name (letters, digits, '.', '_', '-')");
        }
        return t;
    }
}
