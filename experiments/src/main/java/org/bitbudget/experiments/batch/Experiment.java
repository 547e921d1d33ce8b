package org.bitbudget.experiments.batch;

import java.nio.file.Path;
import java.util.List;

/**
 * A parsed experiment: its runs in grid order, each with its key.
 *
 * @param name   the experiment's name (the YAML's {@code name}, else its file name without extension)
 * @param source the YAML file
 * @param sha256 SHA-256 of the YAML file
 * @param runs   every run, in grid order ({@link RunSpec#index()} = position)
 */
public record Experiment(String name, Path source, String sha256, List<RunSpec> runs) {
    public Experiment {
        runs = List.copyOf(runs);
    }

    /** The runs of shard {@code shard}: every N-th run starting at i. */
    public List<RunSpec> runs(Shard shard) {
        return runs.stream().filter(r -> shard.includes(r.index())).toList();
    }
}
