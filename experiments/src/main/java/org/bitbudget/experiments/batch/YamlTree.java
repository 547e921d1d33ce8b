package org.bitbudget.experiments.batch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.bitbudget.ir.UserInputException;

/**
 * A YAML document as a tree whose every node remembers its line, so that errors can name the field
 * and the line: {@code exp.yaml: line 7: strategies[2]: unknown strategy 'ilpp' (known: …)}. A key
 * given twice is an error, not "last one wins".
 */
final class YamlTree {
    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private YamlTree() {}

    /**
     * One node.
     *
     * @param value a {@code Map<String, Node>} (in file order), {@code List<Node>}, String, Long, Double,
     *              Boolean, or null
     * @param line  1-based line of the node in the file
     * @param path  the field path, e.g. {@code models[1].path}
     */
    record Node(Object value, int line, String path) {
        boolean isMap() {
            return value instanceof Map;
        }

        boolean isList() {
            return value instanceof List;
        }

        boolean isScalar() {
            return value != null && !isMap() && !isList();
        }

        @SuppressWarnings("unchecked")
        Map<String, Node> map() {
            return (Map<String, Node>) value;
        }

        @SuppressWarnings("unchecked")
        List<Node> list() {
            return (List<Node>) value;
        }

        /** An error about this node, naming the file, line and field. */
        UserInputException error(String source, String message) {
            return new UserInputException(
                    source + ": line " + line + ": " + (path.isEmpty() ? "(document)" : path), message);
        }

        /** What the value is, for messages: {@code a list}, {@code the text 'x'}, … . */
        String describe() {
            if (value == null) {
                return "empty";
            }
            if (isMap()) {
                return "a mapping";
            }
            if (isList()) {
                return "a list";
            }
            if (value instanceof String s) {
                return "'" + s + "'";
            }
            return value.toString();
        }
    }

    /** Parses {@code text}; {@code source} names the file in errors. */
    static Node parse(String text, String source) {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new UserInputException(
                        source,
                        "empty file; an experiment is a YAML mapping with models, data, "
                                + "formats, estimators, strategies, budgets and seeds");
            }
            Node root = read(p, "");
            if (p.nextToken() != null) {
                throw new UserInputException(
                        source + ": line " + p.currentTokenLocation().getLineNr(),
                        "more than one YAML document; an experiment is one document");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new UserInputException(source + line(e), "malformed YAML: " + problem(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw UserInputException.unreadable(source, e);
        }
    }

    private static Node read(JsonParser p, String path) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Node> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    map.put(name, read(p, path.isEmpty() ? name : path + "." + name));
                }
                return new Node(map, line, path);
            }
            case START_ARRAY -> {
                List<Node> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p, path + "[" + list.size() + "]"));
                }
                return new Node(list, line, path);
            }
            case VALUE_STRING -> {
                return new Node(p.getText(), line, path);
            }
            case VALUE_NUMBER_INT -> {
                return new Node(p.getLongValue(), line, path);
            }
            case VALUE_NUMBER_FLOAT -> {
                return new Node(p.getDoubleValue(), line, path);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new Node(p.getBooleanValue(), line, path);
            }
            case VALUE_NULL -> {
                return new Node(null, line, path);
            }
            default -> throw new IllegalStateException("unexpected YAML token " + t);
        }
    }

    /**
     * The line of a parse error: the YAML parser's problem mark (the last "line N, column M" of its
     * message; the first may be the enclosing context's), else Jackson's location.
     */
    private static String line(JsonProcessingException e) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("line (\\d+), column \\d+")
                .matcher(String.valueOf(e.getOriginalMessage()));
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        if (last != null) {
            return ": line " + last;
        }
        var loc = e.getLocation();
        return loc == null ? "" : ": line " + loc.getLineNr();
    }

    /** The parser's explanation on one line (YAML parsers add indented lines quoting the source). */
    private static String problem(String message) {
        return message.lines()
                .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                .collect(Collectors.joining("; "));
    }
}
