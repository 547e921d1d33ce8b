/**
 * Experiment batches: an experiment YAML ({@link org.bitbudget.experiments.batch.ExperimentParser})
 * becomes a grid of {@link org.bitbudget.experiments.batch.RunSpec}s with input-derived keys
 * ({@link org.bitbudget.experiments.batch.RunKeys}); {@link org.bitbudget.experiments.batch.BatchRunner}
 * runs them (or one {@link org.bitbudget.experiments.batch.Shard}) through a
 * {@link org.bitbudget.experiments.batch.RunExecutor} into a results CSV
 * ({@link org.bitbudget.experiments.batch.ResultsCsv}) and a folder per run, atomically and resumably;
 * {@link org.bitbudget.experiments.batch.Merge} joins shards.
 *
 * <pre>{@code
 * Experiment e = ExperimentParser.load(Path.of("experiment.yaml"), defaultModel);
 * BatchRunner.Summary s = new BatchRunner(executor, new ProvenanceFile(), null)
 *         .run(e, Path.of("runs/experiment"), Shard.ALL, true);
 * }</pre>
 */
package org.bitbudget.experiments.batch;
