package org.bitbudget.costs.latency;

import java.util.Map;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.Precision;

/**
 * Measures the time of every layer of a model run with one precision for all layers.
 */
@FunctionalInterface
public interface LayerTimer {

    /**
     * Per-layer wall time.
     *
     * @param milliseconds mean milliseconds per run of each layer (layer name → ms), every layer present
     * @param engine       which engine measured: {@code integer} or {@code float}
     * @param kernels      the kernel each layer ran on (layer name → {@code int8}, {@code int16},
     *                     {@code bit-serial}), empty for the float engine
     */
    record Timing(Map<String, Double> milliseconds, String engine, Map<String, String> kernels) {
        public Timing {
            milliseconds = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(milliseconds));
            kernels = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(kernels));
        }

        /** A timing without kernel names. */
        public Timing(Map<String, Double> milliseconds, String engine) {
            this(milliseconds, engine, Map.of());
        }

        /** How layer {@code layer} was measured: the engine, then {@code /} and the kernel when known. */
        public String engineOf(String layer) {
            String k = kernels.get(layer);
            return k == null ? engine : engine + "/" + k;
        }

        /** The sum over layers. */
        public double total() {
            return milliseconds.values().stream()
                    .mapToDouble(Double::doubleValue)
                    .sum();
        }
    }

    /** Times {@code graph} with every layer at {@code precision}. */
    Timing time(Graph graph, Precision precision);
}
