package org.bitbudget.experiments.batch;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one run measured: the results CSV's columns, the chosen precision config and the Pareto front.
 * A cost the executor does not know is {@code NaN} (an empty cell).
 *
 * @param accuracy           top-1 accuracy of the chosen config on the held-out split, 0…1
 * @param sizeBits           weight size in bits (scales and zero points included)
 * @param bops               bit operations per sample
 * @param energyUj           energy per sample in microjoules
 * @param latencyMs          latency per sample in milliseconds
 * @param maxAccumulatorBits the widest accumulator any layer needs (NaN when unknown)
 * @param searchSeconds      wall time of the search (timing: differs between identical runs)
 * @param evalSeconds        wall time of the final evaluation (timing)
 * @param engine             the engine that measured {@code accuracy}: {@code float} or {@code integer}
 * @param configJson         the chosen precision config as JSON (DESIGN.md's format)
 * @param pareto             the Pareto front, one map per point (column → value), in a stable column order
 * @param notes              free-form facts recorded in the run's provenance (the executor's name, …)
 */
public record RunResult(double accuracy, double sizeBits, double bops, double energyUj, double latencyMs,
                        double maxAccumulatorBits, double searchSeconds, double evalSeconds, String engine,
                        String configJson, List<Map<String, Object>> pareto, Map<String, Object> notes) {
    public RunResult {
        Objects.requireNonNull(engine);
        Objects.requireNonNull(configJson);
        pareto = List.copyOf(pareto);
        notes = notes == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(notes));
    }
}
