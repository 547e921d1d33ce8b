package org.bitbudget.ir.precision;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.quant.Clipping;
import org.bitbudget.ir.quant.Granularity;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;

/**
 * Reads and writes precision configs (JSON, or YAML for {@code .yaml}/{@code .yml} files):
 *
 * <pre>{@code
 * {
 *   "default": { "weights": "float", "activations": "float" },
 *   "layers": {
 *     "/c1/Conv": { "weights": "int4", "activations": "uint8" },
 *     "/f1/Gemm": { "weights": { "format": "int2", "granularity": "per-channel", "clipping": "mse",
 *                                "residual": "int4" },
 *                   "activations": { "format": "int8", "clipping": "percentile(99.99)" },
 *                   "accumulator": 16 }
 *   }
 * }
 * }</pre>
 *
 * A quantizer is a format name (weights default to per-channel and {@code max} clipping, activations
 * to per-tensor calibrated {@code max}) or an object with {@code format}, {@code granularity},
 * {@code clipping} and {@code residual}. A layer entry's missing fields come from {@code default}.
 * Layer keys may be {@link LayerPattern}s ({@code op:Conv}, {@code re:REGEX}, globs such as
 * {@code /stage3/*}), and an optional {@code ignore} list names layers or patterns that stay float;
 * {@link PrecisionConfig#resolve} applies them to a graph. An optional {@code encodings} object holds calibrated activation quantizers ({@link ActivationEncoding}):
 * {@code "/c1/Conv": {"format": "uint8", "scale": 0.0123, "zero_point": 0}}, floats written in their
 * shortest exact decimal form.
 * Every error names the file and the field, e.g. {@code c.json: layers./c1/Conv.weights.format}.
 */
public final class PrecisionConfigs {
    // A key given twice is an error, not a silent "last one wins".
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final ObjectMapper YAML = new YAMLMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private PrecisionConfigs() {}

    /** Reads the config in {@code path}. */
    public static PrecisionConfig load(Path path) {
        String text;
        try {
            text = Files.readString(path);
        } catch (NoSuchFileException e) {
            throw new UserInputException(path.toString(), "no such file");
        } catch (IOException e) {
            throw UserInputException.unreadable(path.toString(), e);
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        return parse(text, path.toString(), name.endsWith(".yaml") || name.endsWith(".yml"));
    }

    /** Parses config text; {@code source} names it in errors. */
    public static PrecisionConfig parse(String text, String source, boolean yaml) {
        JsonNode root;
        try {
            root = (yaml ? YAML : JSON).readTree(text);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new UserInputException(
                    source,
                    "malformed " + (yaml ? "YAML" : "JSON")
                            + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr())
                            + ": "
                            + problem(e.getOriginalMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new UserInputException(source, "a precision config is an object with 'default' and 'layers'");
        }
        checkFields(root, Set.of("default", "layers", "encodings", "ignore"), source, "");
        Precision defaults = root.has("default")
                ? precision(root.get("default"), Precision.FLOAT, source, "default")
                : Precision.FLOAT;
        Map<String, Precision> layers = new LinkedHashMap<>();
        JsonNode layerNodes = root.get("layers");
        if (layerNodes != null && !layerNodes.isNull()) {
            if (!layerNodes.isObject()) {
                throw new UserInputException(source + ": layers", "must map layer names to precisions");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = layerNodes.fields(); it.hasNext(); ) {
                var e = it.next();
                layers.put(e.getKey(), precision(e.getValue(), defaults, source, "layers." + e.getKey()));
            }
        }
        return new PrecisionConfig(
                defaults, layers, encodings(root.get("encodings"), source), ignore(root.get("ignore"), source));
    }

    /** The {@code ignore} list: layer names or {@link LayerPattern}s that stay float. */
    private static List<String> ignore(JsonNode node, String source) {
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (node.isTextual()) {
            return List.of(node.asText());
        }
        if (!node.isArray()) {
            throw new UserInputException(
                    source + ": ignore", "must be a list of layer names or patterns (op:Conv, re:REGEX, /a/*)");
        }
        for (JsonNode n : node) {
            if (!n.isTextual() || n.asText().isEmpty()) {
                throw new UserInputException(source + ": ignore", "'" + n + "' is not a layer name or pattern");
            }
            out.add(n.asText());
        }
        return out;
    }

    /** The {@code encodings} object: per quantized input, {@code format}, {@code scale} and {@code zero_point}. */
    private static Map<String, ActivationEncoding> encodings(JsonNode node, String source) {
        Map<String, ActivationEncoding> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new UserInputException(
                    source + ": encodings", "must map layer names to {format, scale, zero_point} objects");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            var e = it.next();
            String path = "encodings." + e.getKey();
            JsonNode enc = e.getValue();
            if (!enc.isObject()) {
                throw new UserInputException(source + ": " + path, "must be an object with format, scale, zero_point");
            }
            checkFields(enc, Set.of("format", "scale", "zero_point"), source, path);
            if (!enc.path("format").isTextual()) {
                throw new UserInputException(source + ": " + path + ".format", "missing (the activation format)");
            }
            NumberFormat format = parse(
                    source,
                    path + ".format",
                    () -> NumberFormat.parse(enc.get("format").asText()));
            float scale = number(enc, "scale", source, path);
            float zeroPoint = number(enc, "zero_point", source, path);
            out.put(e.getKey(), parse(source, path, () -> new ActivationEncoding(format, scale, zeroPoint)));
        }
        return out;
    }

    /**
     * A number field read exactly as a float: the parsers keep decimals as {@code BigDecimal}, whose
     * conversion rounds once, so the shortest decimal a float is written as reads back as that float.
     */
    private static float number(JsonNode node, String field, String source, String path) {
        JsonNode v = node.get(field);
        if (v == null || !v.isNumber()) {
            throw new UserInputException(source + ": " + path + "." + field, "missing (a number)");
        }
        return v.decimalValue().floatValue();
    }

    /**
     * The parser's explanation on one line: its unindented lines (YAML parsers add indented lines
     * quoting the source and pointing at a column, which the line and column already give).
     */
    private static String problem(String message) {
        return message.lines()
                .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                .collect(java.util.stream.Collectors.joining("; "));
    }

    private static Precision precision(JsonNode node, Precision base, String source, String path) {
        if (!node.isObject()) {
            throw new UserInputException(
                    source + ": " + path, "must be an object with weights, activations, " + "accumulator");
        }
        checkFields(node, Set.of("weights", "activations", "accumulator"), source, path);
        QuantizerSpec weights =
                node.has("weights") ? quantizer(node.get("weights"), true, source, path + ".weights") : base.weights();
        QuantizerSpec activations = node.has("activations")
                ? quantizer(node.get("activations"), false, source, path + ".activations")
                : base.activations();
        int accumulator = base.accumulatorBits();
        if (node.has("accumulator")) {
            JsonNode acc = node.get("accumulator");
            if (!acc.canConvertToExactIntegral() || !acc.canConvertToInt() || acc.asInt() < 2 || acc.asInt() > 64) {
                throw new UserInputException(
                        source + ": " + path + ".accumulator",
                        "must be a whole number of " + "bits from 2 to 64, got " + acc);
            }
            accumulator = acc.asInt();
        }
        return new Precision(weights, activations, accumulator);
    }

    private static QuantizerSpec quantizer(JsonNode node, boolean weights, String source, String path) {
        Granularity granularity = weights ? Granularity.PER_CHANNEL : Granularity.PER_TENSOR;
        Clipping clipping = Clipping.MAX;
        NumberFormat residual = null;
        NumberFormat format;
        if (node.isTextual()) {
            format = parse(source, path, () -> NumberFormat.parse(node.asText()));
        } else if (node.isObject()) {
            checkFields(node, Set.of("format", "granularity", "clipping", "residual"), source, path);
            if (!node.path("format").isTextual()) {
                throw new UserInputException(source + ": " + path + ".format", "missing (a format name such as int4)");
            }
            format = parse(
                    source,
                    path + ".format",
                    () -> NumberFormat.parse(node.get("format").asText()));
            if (node.has("granularity")) {
                granularity = parse(
                        source,
                        path + ".granularity",
                        () -> Granularity.parse(node.get("granularity").asText()));
            }
            if (node.has("clipping")) {
                clipping = parse(
                        source,
                        path + ".clipping",
                        () -> Clipping.parse(node.get("clipping").asText()));
            }
            if (node.has("residual")) {
                residual = parse(
                        source,
                        path + ".residual",
                        () -> NumberFormat.parse(node.get("residual").asText()));
            }
        } else {
            throw new UserInputException(
                    source + ": " + path,
                    "must be a format name or an object with format, " + "granularity, clipping, residual");
        }
        if (!weights && granularity.kind() != Granularity.Kind.PER_TENSOR) {
            throw new UserInputException(
                    source + ": " + path + ".granularity", "activations are quantized " + "per-tensor");
        }
        if (!weights && residual != null) {
            throw new UserInputException(source + ": " + path + ".residual", "only weights have a residual tensor");
        }
        if (granularity.kind() == Granularity.Kind.PER_VECTOR && format.unsigned()) {
            throw new UserInputException(
                    source + ": " + path + ".granularity",
                    "per-vector scales need a signed " + "format, not " + format.name());
        }
        return new QuantizerSpec(format, granularity, clipping, residual);
    }

    private interface Parser<T> {
        T parse();
    }

    private static <T> T parse(String source, String path, Parser<T> parser) {
        try {
            return parser.parse();
        } catch (IllegalArgumentException e) {
            throw new UserInputException(source + ": " + path, e.getMessage());
        }
    }

    private static void checkFields(JsonNode node, Set<String> allowed, String source, String path) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new UserInputException(
                        source + ": " + (path.isEmpty() ? f : path + "." + f),
                        "unknown field (expected one of "
                                + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    /** The config as JSON with stable field names, quantizers in full form. */
    public static String toJson(PrecisionConfig config) {
        ObjectNode root = JSON.createObjectNode();
        root.set("default", node(config.defaults()));
        ObjectNode layers = root.putObject("layers");
        config.layers().forEach((name, p) -> layers.set(name, node(p)));
        if (!config.ignore().isEmpty()) {
            config.ignore().forEach(root.putArray("ignore")::add);
        }
        if (!config.encodings().isEmpty()) {
            ObjectNode encodings = root.putObject("encodings");
            config.encodings()
                    .forEach((key, e) -> encodings
                            .putObject(key)
                            .put("format", e.format().name())
                            .put("scale", e.scale())
                            .put("zero_point", (long) e.zeroPoint()));
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode node(Precision p) {
        ObjectNode n = JSON.createObjectNode();
        n.set("weights", node(p.weights()));
        n.set("activations", node(p.activations()));
        n.put("accumulator", p.accumulatorBits());
        return n;
    }

    private static JsonNode node(QuantizerSpec q) {
        if (!q.quantizes()) {
            return JSON.getNodeFactory().textNode("float");
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("format", q.format().name());
        n.put("granularity", q.granularity().toString());
        n.put("clipping", q.clipping().toString());
        if (q.residual() != null) {
            n.put("residual", q.residual().name());
        }
        return n;
    }
}
