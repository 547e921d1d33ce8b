package org.bitbudget.ir.precision;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.ActivationLayer;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.quant.QuantizerSpec;

/**
 * A precision for every layer: a default and per-layer entries keyed by layer name (the ONNX node
 * names {@code inspect} prints). Read and written by {@link PrecisionConfigs}.
 *
 * @param defaults  the precision of every layer without an entry
 * @param layers    per-layer precisions, in the order given
 * @param encodings calibrated activation quantizers, by the key calibration uses (the layer's name, or
 *                  {@link ActivationLayer#operandKey} for an operand of an activation-only layer); a
 *                  quantized input with an encoding is not calibrated again
 * @param ignore    {@link LayerPattern}s (or exact names) of layers that stay float whatever else
 *                  the config says, as NNCF's ignored scopes; {@link #resolve} applies them
 */
public record PrecisionConfig(
        Precision defaults,
        Map<String, Precision> layers,
        Map<String, ActivationEncoding> encodings,
        List<String> ignore) {
    public PrecisionConfig {
        Objects.requireNonNull(defaults);
        layers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(layers));
        encodings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(encodings));
        ignore = List.copyOf(ignore);
    }

    /** A config without calibrated activation encodings or ignored scopes. */
    public PrecisionConfig(Precision defaults, Map<String, Precision> layers) {
        this(defaults, layers, Map.of(), List.of());
    }

    /** A config without ignored scopes. */
    public PrecisionConfig(
            Precision defaults, Map<String, Precision> layers, Map<String, ActivationEncoding> encodings) {
        this(defaults, layers, encodings, List.of());
    }

    /** This config carrying {@code calibrated} as its activation encodings (replacing any it had). */
    public PrecisionConfig withEncodings(Map<String, ActivationEncoding> calibrated) {
        return new PrecisionConfig(defaults, layers, calibrated, ignore);
    }

    /** This config with {@code patterns} added to its ignored scopes. */
    public PrecisionConfig ignoring(List<String> patterns) {
        List<String> all = new ArrayList<>(ignore);
        all.addAll(patterns);
        return new PrecisionConfig(defaults, layers, encodings, all);
    }

    /**
     * This config with every pattern applied to {@code graph}'s layers: each layer gets an exact entry
     * when an ignored scope selects it (float), else its exact entry, else the first pattern entry (in
     * the config's order) that selects it. Patterns select layers with weights; an activation-only layer
     * takes only an entry of its exact name (or an ignored scope). Encodings of ignored layers are
     * dropped. A pattern that selects no layer is an error naming it, as a misspelt name is.
     *
     * @param source how errors name the config, e.g. its file
     */
    public PrecisionConfig resolve(Graph graph, String source) {
        List<String> names = new ArrayList<>();
        graph.layers().forEach(l -> names.add(l.name()));
        graph.activationLayers().forEach(l -> names.add(l.name()));
        Map<String, Precision> out = new LinkedHashMap<>();
        layers.forEach((key, p) -> {
            if (!LayerPattern.isPattern(key)) {
                out.put(key, p);
            }
        });
        for (var e : layers.entrySet()) {
            if (!LayerPattern.isPattern(e.getKey())) {
                continue;
            }
            LayerPattern pattern = pattern(e.getKey(), source + ": layers." + e.getKey());
            boolean any = false;
            for (Layer l : graph.layers()) {
                if (pattern.matches(l.name(), l.opType())) {
                    out.putIfAbsent(l.name(), e.getValue());
                    any = true;
                }
            }
            requireMatch(any, source + ": layers." + e.getKey(), names);
        }
        Map<String, ActivationEncoding> kept = new LinkedHashMap<>(encodings);
        for (String scope : ignore) {
            String where = source + ": ignore." + scope;
            LayerPattern pattern = LayerPattern.isPattern(scope) ? pattern(scope, where) : null;
            boolean any = false;
            for (Layer l : graph.layers()) {
                if (pattern == null ? l.name().equals(scope) : pattern.matches(l.name(), l.opType())) {
                    out.put(l.name(), Precision.FLOAT);
                    kept.keySet().removeIf(k -> k.equals(l.name()));
                    any = true;
                }
            }
            for (ActivationLayer l : graph.activationLayers()) {
                if (pattern == null ? l.name().equals(scope) : pattern.matches(l.name(), l.opType())) {
                    out.remove(l.name());
                    kept.keySet().removeIf(k -> k.equals(l.name()) || k.startsWith(l.name() + "#"));
                    any = true;
                }
            }
            requireMatch(any, where, names);
        }
        return new PrecisionConfig(defaults, out, kept, List.of());
    }

    private static LayerPattern pattern(String key, String where) {
        LayerPattern p = new LayerPattern(key);
        try {
            p.compile();
        } catch (IllegalArgumentException e) {
            throw new UserInputException(where, e.getMessage());
        }
        return p;
    }

    private static void requireMatch(boolean any, String where, List<String> names) {
        if (!any) {
            throw new UserInputException(where, "selects no layer (layers: " + String.join(", ", names) + ")");
        }
    }

    /** Every layer at {@code precision}. */
    public static PrecisionConfig uniform(Precision precision) {
        return new PrecisionConfig(precision, Map.of());
    }

    /** The precision of layer {@code name}. */
    public Precision of(String name) {
        return layers.getOrDefault(name, defaults);
    }

    /**
     * This config with layer {@code name} set to {@code precision}; the layer's encodings are dropped,
     * since they were calibrated for its old precision.
     */
    public PrecisionConfig with(String name, Precision precision) {
        Map<String, Precision> m = new LinkedHashMap<>(layers);
        m.put(name, precision);
        Map<String, ActivationEncoding> e = new LinkedHashMap<>(encodings);
        e.keySet().removeIf(k -> k.equals(name) || k.startsWith(name + "#"));
        return new PrecisionConfig(defaults, m, e, ignore);
    }

    /**
     * The activation format of activation-only layer {@code name} ({@link ActivationLayer}): its
     * entry's activations when the config has an entry for it, else float. The default does not
     * apply to such layers, so a config written before they existed runs the same.
     */
    public QuantizerSpec activationsOf(String name) {
        Precision p = layers.get(name);
        return p == null ? QuantizerSpec.FLOAT : p.activations();
    }

    /**
     * Checks that every per-layer entry names a layer of {@code graph}, and that an entry for an
     * activation-only layer gives no weight format of its own (it may inherit the default's).
     *
     * @param source how errors name the config, e.g. its file
     */
    public void validate(Graph graph, String source) {
        var names = new java.util.ArrayList<>(
                graph.layers().stream().map(Layer::name).toList());
        var activationOnly =
                graph.activationLayers().stream().map(ActivationLayer::name).toList();
        names.addAll(activationOnly);
        for (var e : layers.entrySet()) {
            String name = e.getKey();
            if (!names.contains(name)) {
                throw new UserInputException(
                        source + ": layers." + name,
                        "no such layer in " + graph.name() + " (layers: " + String.join(", ", names) + ")");
            }
            QuantizerSpec w = e.getValue().weights();
            if (activationOnly.contains(name) && w.quantizes() && !w.equals(defaults.weights())) {
                throw new UserInputException(
                        source + ": layers." + name + ".weights",
                        "layer " + name + " is a MatMul between two activations and has no weights; "
                                + "give it only an activation format");
            }
        }
        validateEncodings(graph, source);
    }

    /**
     * Checks that every encoding belongs to a quantized input of {@code graph} and was calibrated for
     * the format the config gives that input.
     */
    private void validateEncodings(Graph graph, String source) {
        Map<String, QuantizerSpec> inputs = new LinkedHashMap<>();
        for (Layer l : graph.layers()) {
            inputs.put(l.name(), of(l.name()).activations());
        }
        for (ActivationLayer l : graph.activationLayers()) {
            for (int i = 0; i < ActivationLayer.OPERANDS; i++) {
                inputs.put(l.operandKey(i), activationsOf(l.name()));
            }
        }
        for (var e : encodings.entrySet()) {
            QuantizerSpec spec = inputs.get(e.getKey());
            if (spec == null || !spec.quantizes()) {
                throw new UserInputException(
                        source + ": encodings." + e.getKey(),
                        spec == null
                                ? "no such layer in " + graph.name()
                                : "the layer's input is float in this config, so it has no encoding");
            }
            String calibrated = e.getValue().format().name();
            if (!calibrated.equals(spec.format().name())) {
                throw new UserInputException(
                        source + ": encodings." + e.getKey() + ".format",
                        "calibrated for " + calibrated + " but the config quantizes the input as "
                                + spec.format().name() + "; remove the encoding to calibrate again");
            }
        }
    }
}
