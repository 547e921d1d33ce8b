package org.bitbudget.ir.precision;

import java.util.LinkedHashMap;
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
 * @param defaults the precision of every layer without an entry
 * @param layers   per-layer precisions, in the order given
 */
public record PrecisionConfig(Precision defaults, Map<String, Precision> layers) {
    public PrecisionConfig {
        Objects.requireNonNull(defaults);
        layers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(layers));
    }

    /** Every layer at {@code precision}. */
    public static PrecisionConfig uniform(Precision precision) {
        return new PrecisionConfig(precision, Map.of());
    }

    /** The precision of layer {@code name}. */
    public Precision of(String name) {
        return layers.getOrDefault(name, defaults);
    }

    /** This config with layer {@code name} set to {@code precision}. */
    public PrecisionConfig with(String name, Precision precision) {
        Map<String, Precision> m = new LinkedHashMap<>(layers);
        m.put(name, precision);
        return new PrecisionConfig(defaults, m);
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
    }
}
