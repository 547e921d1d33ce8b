package org.bitbudget.experiments.batch;

/**
 * Runs one point of an experiment grid. The batch machinery calls it once per run that is not
 * finished yet, in grid order, one at a time; the executor must be deterministic for a given
 * {@link RunSpec} (up to timing fields) so that a resumed or sharded batch gives the same CSV.
 *
 * <p>Throw {@link org.bitbudget.ir.UserInputException} for a problem of the run's inputs (a budget no
 * config meets, a model the engine cannot run): the batch records it in {@code runs/<key>/error.txt},
 * writes no row for the run, carries on with the others and exits 2 at the end. Any other exception
 * stops the batch (exit 1); finished runs stay finished.
 *
 * <p>The command line uses {@link SearchRunExecutor}.
 */
@FunctionalInterface
public interface RunExecutor {
    /** Runs {@code spec}, reporting its phases to {@code progress}. */
    RunResult execute(RunSpec spec, PhaseProgress progress) throws Exception;
}
