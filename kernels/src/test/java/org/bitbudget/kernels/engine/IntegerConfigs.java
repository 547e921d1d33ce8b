package org.bitbudget.kernels.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;

/** The precision configurations the integer engine's model tests run. */
final class IntegerConfigs {

    private IntegerConfigs() {}

    /**
     * Every layer at W{bits}A{bits} with 32-bit accumulators: the first layer's input signed (it sees
     * normalised images), later ones unsigned (they follow a ReLU).
     */
    static PrecisionConfig uniform(Graph graph, int bits) {
        Map<String, Precision> layers = new LinkedHashMap<>();
        List<Layer> all = graph.layers();
        for (int i = 0; i < all.size(); i++) {
            layers.put(
                    all.get(i).name(),
                    new Precision(
                            QuantizerSpec.weights(NumberFormat.parse("int" + bits)),
                            QuantizerSpec.activations(NumberFormat.parse((i == 0 ? "int" : "uint") + bits)),
                            32));
        }
        return new PrecisionConfig(Precision.FLOAT, layers);
    }
}
