package org.bitbudget.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bitbudget.experiments.batch.BatchRunner;
import org.bitbudget.experiments.batch.Experiment;
import org.bitbudget.experiments.batch.ExperimentParser;
import org.bitbudget.experiments.batch.PhaseProgress;
import org.bitbudget.experiments.batch.ProvenanceFile;
import org.bitbudget.experiments.batch.RunExecutor;
import org.bitbudget.experiments.batch.RunExecutors;
import org.bitbudget.experiments.batch.RunSpec;
import org.bitbudget.experiments.batch.Shard;
import org.bitbudget.ir.UserInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bitbudget batch}: run an experiment YAML's grid of search runs into a results CSV. */
@Command(
        name = "batch",
        mixinStandardHelpOptions = true,
        description = {
            "Run every run of an experiment (the product of its models, data, formats, estimators, "
                    + "strategies, budgets and seeds, or its explicit runs) and collect one row per run in "
                    + "OUT/results.csv, with a folder per run (config, Pareto CSV, provenance).",
            "A run's row is written only when it is complete; --resume skips finished runs. Without --shard, "
                    + "the shard comes from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT or "
                    + "JOB_COMPLETION_INDEX/JOB_COMPLETIONS (Kubernetes Indexed Job)."
        })
final class BatchCommand implements Callable<Integer> {
    @Mixin
    JsonOption json;

    @Parameters(index = "0", paramLabel = "experiment.yaml", description = "The experiment (see experiments/examples/)")
    Path experimentFile;

    @Writes(inside = {"results.csv", "runs/"})
    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/<yaml name>)")
    Path out;

    @Option(names = "--shard", paramLabel = "i/N", description = "Run only every N-th run, starting at run i (0-based)")
    String shard;

    @Option(names = "--resume", description = "Skip runs whose results are already in the output folder")
    boolean resume;

    @Option(names = "--dry-run", description = "Print the runs and their keys; run nothing")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        Path defaultModel = Path.of(System.getProperty("bitbudget.defaultModel", "models/lenet5-fashion-mnist.onnx"));
        Experiment experiment = ExperimentParser.load(experimentFile, defaultModel);
        Shard which = shard != null ? Shard.parse(shard, "--shard") : Shard.fromEnvironment(System.getenv());
        Path dir = out != null
                ? out
                : Path.of("runs", stem(experimentFile.getFileName().toString()));
        List<RunSpec> runs = experiment.runs(which);
        if (dryRun) {
            return dryRun(experiment, runs, which, dir);
        }
        Interrupts interrupts =
                Interrupts.install("stopping the batch; the current run is not kept and reruns on --resume");
        RunExecutor executor = RunExecutors.forCommandLine(interrupts.flag());
        CliListener listener = new CliListener();
        BatchRunner.Summary s;
        try {
            s = new BatchRunner(executor, new ProvenanceFile(), listener, interrupts.flag())
                    .run(experiment, dir, which, resume);
        } finally {
            listener.close();
        }
        if (json.json) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("experiment", experiment.name());
            result.put("shard", which.toString());
            result.put("out", dir.toString());
            result.put("runs", s.runs());
            result.put("done", s.executed() + s.skipped());
            result.put("executed", s.executed());
            result.put("skipped", s.skipped());
            result.put("busy", s.busy());
            result.put("interrupted", s.interrupted());
            result.put("failed", s.failed());
            result.put("results", s.results().toString());
            result.put("rows", s.rows());
            System.out.println(JsonOption.toJson(result));
        } else {
            System.out.printf(
                    Locale.ROOT,
                    "%d runs (shard %s): %d run now, %d already done, %d run by another worker, %d failed%s; %s has %d "
                            + "rows%n",
                    s.runs(),
                    which,
                    s.executed(),
                    s.skipped(),
                    s.busy(),
                    s.failed().size(),
                    s.interrupted() ? ", interrupted" : "",
                    s.results(),
                    s.rows());
        }
        if (interrupts.received()) {
            return interrupts.exitCode();
        }
        if (!s.failed().isEmpty()) {
            var first = s.failed().entrySet().iterator().next();
            throw new UserInputException(
                    experimentFile.toString(),
                    s.failed().size() + " of " + s.runs() + " runs failed (errors in " + dir
                            + "/runs/KEY/error.txt); first: " + first.getValue());
        }
        return 0;
    }

    private int dryRun(Experiment experiment, List<RunSpec> runs, Shard which, Path dir) {
        int done = 0;
        List<Map<String, Object>> list = new ArrayList<>();
        for (RunSpec r : runs) {
            boolean finished = BatchRunner.isFinished(dir, r);
            done += finished ? 1 : 0;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run_index", r.index());
            m.put("run_key", r.key());
            m.put("model", r.model());
            m.put("data", r.data());
            m.put("formats", r.formats());
            m.put("activations", r.activations());
            m.put("estimator", r.estimator());
            m.put("strategy", r.strategy());
            m.put("budgets", r.budgets());
            m.put("seed", r.seed());
            m.put("done", finished);
            list.add(m);
        }
        if (json.json) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("experiment", experiment.name());
            result.put("shard", which.toString());
            result.put("out", dir.toString());
            result.put("runs", list);
            result.put("done", done);
            result.put("results", dir.resolve(BatchRunner.RESULTS).toString());
            System.out.println(JsonOption.toJson(result));
        } else {
            System.out.printf(
                    "%-5s %-16s %-20s %-13s %-12s %-10s %-5s %s%n",
                    "index", "run_key", "model", "data", "estimator", "strategy", "seed", "budgets");
            for (RunSpec r : runs) {
                System.out.printf(
                        Locale.ROOT,
                        "%-5d %-16s %-20s %-13s %-12s %-10s %-5d %s%s%n",
                        r.index(),
                        r.key(),
                        r.model(),
                        r.data(),
                        r.estimator(),
                        r.strategy(),
                        r.seed(),
                        r.budgetText(),
                        BatchRunner.isFinished(dir, r) ? "  (done)" : "");
            }
            System.out.printf(
                    "%d runs in shard %s of %d, %d done in %s%n",
                    runs.size(), which, experiment.runs().size(), done, dir);
        }
        return 0;
    }

    private static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** A bar over the runs (with ETA) whose message shows the current run's phase, plus one log line per run. */
    private static final class CliListener implements BatchRunner.Listener, AutoCloseable {
        private Progress bar = Progress.start("batch", 0, "run");
        private int total;
        private int position;

        @Override
        public void started(int runs, int finished) {
            bar.close();
            total = runs;
            position = finished;
            bar = Progress.start("batch", runs, "run");
            bar.stepBy(finished);
            if (finished > 0) {
                System.err.printf("bitbudget: batch: %d of %d runs already done%n", finished, runs);
            }
        }

        @Override
        public PhaseProgress runStarted(RunSpec spec) {
            String label = spec.key() + " " + spec.model() + "/" + spec.strategy() + "/seed " + spec.seed();
            bar.message(label);
            System.err.printf("bitbudget: batch: [%d/%d] %s started%n", position + 1, total, label);
            return new PhaseProgress() {
                private String phase = "";

                @Override
                public void phase(String name, int index, int count) {
                    phase = name + " (" + (index + 1) + "/" + count + ")";
                    bar.message(label + ": " + phase);
                }

                @Override
                public void step(long done, long of) {
                    bar.message(label + ": " + phase + " " + (of == 0 ? 100 : 100 * done / of) + "%");
                }
            };
        }

        @Override
        public void runFinished(RunSpec spec, Map<String, String> row) {
            position++;
            bar.stepBy(1);
            System.err.printf(
                    Locale.ROOT,
                    "bitbudget: batch: [%d/%d] %s %s %s %s seed %d: accuracy %s, %s bits%n",
                    position,
                    total,
                    spec.key(),
                    spec.model(),
                    spec.strategy(),
                    spec.budgetText(),
                    spec.seed(),
                    row.get("accuracy"),
                    row.get("size_bits"));
        }

        @Override
        public void runSkipped(RunSpec spec) {}

        @Override
        public void runFailed(RunSpec spec, UserInputException error) {
            position++;
            bar.stepBy(1);
            System.err.printf(
                    "bitbudget: batch: [%d/%d] %s failed: %s%n", position, total, spec.key(), error.getMessage());
        }

        @Override
        public void runBusy(RunSpec spec, String owner) {
            position++;
            bar.stepBy(1);
            System.err.printf(
                    "bitbudget: batch: [%d/%d] %s skipped: being run by %s%n", position, total, spec.key(), owner);
        }

        @Override
        public void runInterrupted(RunSpec spec) {
            System.err.printf("bitbudget: batch: %s interrupted: no row kept; --resume runs it again%n", spec.key());
        }

        @Override
        public void close() {
            bar.close();
        }
    }
}
