package org.bitbudget.experiments.batch;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.bitbudget.pipeline.SearchPipeline;

/**
 * What one run of a batch found: the search pipeline's result, whose files and results-CSV row the
 * batch writes, and the executor's notes. A cost the run did not compute is {@code NaN} (an empty
 * cell).
 *
 * @param run   the pipeline's result
 * @param notes free-form facts recorded in the run's provenance (the executor's name, …)
 */
public record RunResult(SearchPipeline.Result run, Map<String, Object> notes) {
    public RunResult {
        Objects.requireNonNull(run, "run");
        notes = notes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(notes));
    }

    /** Top-1 accuracy of the chosen config on the held-out split, 0…1. */
    public double accuracy() {
        return run.accuracy();
    }

    /** Weight size in bits (scales and zero points included). */
    public double sizeBits() {
        return run.cost("size");
    }

    /** Bit operations per sample. */
    public double bops() {
        return run.cost("bops");
    }

    /** Energy per sample in picojoules, the energy cost model's unit. */
    public double energyPj() {
        return run.cost("energy");
    }

    /** Latency per sample in milliseconds. */
    public double latencyMs() {
        return run.cost("latency");
    }

    /** The widest accumulator any layer needs. */
    public double maxAccumulatorBits() {
        return run.cost("accumulator");
    }

    /** Wall time of the search (timing: differs between identical runs). */
    public double searchSeconds() {
        return run.timings().search();
    }

    /** Wall time of the final evaluation (timing). */
    public double evalSeconds() {
        return run.timings().evaluation();
    }

    /** The engine that measured {@link #accuracy()}: {@code float} or {@code integer}. */
    public String engine() {
        return run.engine();
    }
}
