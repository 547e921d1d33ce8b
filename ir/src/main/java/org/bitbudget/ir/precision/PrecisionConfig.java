package org.bitbudget.ir.precision;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;

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
     * Checks that every per-layer entry names a layer of {@code graph}.
     *
     * @param source how errors name the config, e.g. its file
     */
    public void validate(Graph graph, String source) {
        var names = graph.layers().stream().map(Layer::name).toList();
        for (String name : layers.keySet()) {
            if (!names.contains(name)) {
                throw new UserInputException(
                        source + ": layers." + name,
                        "no such layer in " + graph.name() + " (layers: " + String.join(", ", names) + ")");
            }
        }
    }
}
