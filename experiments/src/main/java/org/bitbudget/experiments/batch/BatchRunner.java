package org.bitbudget.experiments.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bitbudget.experiments.report.ResultFiles;
import org.bitbudget.ir.AtomicFiles;
import org.bitbudget.ir.UserInputException;

/**
 * Runs an experiment's runs (or one shard of them) into an output folder, so that a batch killed at
 * any moment and resumed gives the same results as an uninterrupted one.
 *
 * <pre>
 * OUT/results.csv              every finished run of the experiment found in OUT, in grid order
 * OUT/experiment.yaml          a copy of the experiment
 * OUT/runs/KEY/spec.json       the run's inputs (written when it starts)
 * OUT/runs/KEY/config.json     the chosen precision config   } the files of bitbudget search,
 * OUT/runs/KEY/pareto.csv      the Pareto front              } written by {@link ResultFiles}
 * OUT/runs/KEY/pareto.svg      its plot                      }
 * OUT/runs/KEY/result.json     the run's summary             }
 * OUT/runs/KEY/provenance.json version, commit, JDK, CPU, vector width, seed, times, input hashes
 * OUT/runs/KEY/error.txt       why the run failed (a user error), when it did
 * OUT/runs/KEY/row.csv         the run's results row, written last: its presence means "finished"
 * OUT/runs/KEY/claim           host, pid and start of the worker running it (while it runs)
 * OUT/lock                     locked while a worker rewrites results.csv or experiment.yaml
 * </pre>
 *
 * Every file is written atomically ({@link AtomicFiles}); {@code results.csv} is rebuilt from the
 * {@code row.csv} files after each run, so it only ever holds finished runs. With {@code resume},
 * runs whose {@code row.csv} exists are skipped; without it, such a run is an error (the folder
 * holds results already). Workers may share a folder — the shards of a job array, or a second batch
 * started on the same folder: each run is computed by the worker that {@linkplain RunClaim claims} it,
 * the others skip it, and {@code results.csv} is rebuilt under a file lock, so it holds every run
 * finished by any of them. A folder holds one experiment: another experiment's name there is refused.
 * A cancel (the CLI's Ctrl-C or SIGTERM) stops the batch after the current run's search returns; that
 * run gets no row, so a resume computes it again.
 */
public final class BatchRunner {
    /** The results file in the output folder. */
    public static final String RESULTS = "results.csv";
    /** The file whose presence marks a finished run. */
    public static final String ROW = "row.csv";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final RunExecutor executor;
    private final ProvenanceFile provenance;
    private final Listener listener;
    private final AtomicBoolean cancel;

    /** What the batch reports while it runs (progress bars, logs). Every method has a no-op default. */
    public interface Listener {
        /** The batch will look at {@code total} runs, {@code finished} of which are already done. */
        default void started(int total, int finished) {}

        /** Run {@code spec} starts; the returned progress receives its phases. */
        default PhaseProgress runStarted(RunSpec spec) {
            return PhaseProgress.NONE;
        }

        /** Run {@code spec} finished with {@code row}. */
        default void runFinished(RunSpec spec, Map<String, String> row) {}

        /** Run {@code spec} was skipped because it had finished before. */
        default void runSkipped(RunSpec spec) {}

        /** Run {@code spec} failed with a user error; the batch goes on. */
        default void runFailed(RunSpec spec, UserInputException error) {}

        /** Run {@code spec} is being run by another worker ({@code owner}: host, pid, start); skipped. */
        default void runBusy(RunSpec spec, String owner) {}

        /** A cancel stopped the batch during run {@code spec}, which gets no row. */
        default void runInterrupted(RunSpec spec) {}
    }

    /**
     * What a batch did.
     *
     * @param out      the output folder
     * @param results  its results CSV
     * @param runs     runs in this shard
     * @param executed runs executed now
     * @param skipped  runs skipped because they had finished before
     * @param failed   runs that failed with a user error (message per run key)
     * @param rows     rows now in {@code results.csv}
     * @param busy     runs skipped because another worker was running them
     * @param interrupted whether a cancel stopped the batch before its last run
     */
    public record Summary(
            Path out,
            Path results,
            int runs,
            int executed,
            int skipped,
            Map<String, String> failed,
            int rows,
            int busy,
            boolean interrupted) {}

    public BatchRunner(RunExecutor executor, ProvenanceFile provenance, Listener listener) {
        this(executor, provenance, listener, new AtomicBoolean());
    }

    /** A runner that stops when {@code cancel} is set (the executor should watch the same flag). */
    public BatchRunner(RunExecutor executor, ProvenanceFile provenance, Listener listener, AtomicBoolean cancel) {
        this.executor = Objects.requireNonNull(executor);
        this.provenance = Objects.requireNonNull(provenance);
        this.listener = listener == null ? new Listener() {} : listener;
        this.cancel = Objects.requireNonNull(cancel);
    }

    /** Runs {@code shard} of {@code experiment} into {@code out}. */
    public Summary run(Experiment experiment, Path out, Shard shard, boolean resume) throws Exception {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UserInputException("--out " + out, "is a file; give a folder");
        }
        Files.createDirectories(out.resolve("runs"));
        try (FolderLock _ = FolderLock.of(out)) {
            refuseOtherExperiment(experiment, out);
            RunClaim.deletePartials(out);
            AtomicFiles.writeBytes(out.resolve("experiment.yaml"), Files.readAllBytes(experiment.source()));
        }
        List<RunSpec> runs = experiment.runs(shard);
        int finished = 0;
        for (RunSpec r : runs) {
            if (isFinished(out, r)) {
                if (!resume) {
                    throw new UserInputException(
                            "--out " + out,
                            "already holds results of this experiment (run " + r.key()
                                    + "); pass --resume to continue it, or choose another --out");
                }
                finished++;
            }
        }
        listener.started(runs.size(), finished);
        int executed = 0;
        int skipped = 0;
        int busy = 0;
        boolean interrupted = false;
        Map<String, String> failed = new LinkedHashMap<>();
        for (RunSpec spec : runs) {
            if (cancel.get()) {
                interrupted = true;
                break;
            }
            if (isFinished(out, spec)) {
                skipped++;
                listener.runSkipped(spec);
                continue;
            }
            Path dir = out.resolve("runs").resolve(spec.key());
            RunClaim.Result claimed = RunClaim.claim(dir);
            if (claimed.claim() == null) {
                busy++;
                listener.runBusy(spec, claimed.owner());
                continue;
            }
            try (RunClaim _ = claimed.claim()) {
                // Another worker may have finished it between the check above and the claim.
                if (isFinished(out, spec)) {
                    skipped++;
                    listener.runSkipped(spec);
                    continue;
                }
                Files.deleteIfExists(dir.resolve("error.txt"));
                AtomicFiles.writeString(dir.resolve("spec.json"), json(specJson(spec)));
                PhaseProgress progress = listener.runStarted(spec);
                RunResult result;
                try {
                    result = executor.execute(spec, progress);
                } catch (UserInputException e) {
                    AtomicFiles.writeString(dir.resolve("error.txt"), e.getMessage() + "\n");
                    failed.put(spec.key(), e.getMessage());
                    listener.runFailed(spec, e);
                    continue;
                }
                if (cancel.get()) {
                    interrupted = true;
                    listener.runInterrupted(spec);
                    break;
                }
                String configPath = "runs/" + spec.key() + "/config.json";
                ResultFiles.write(dir, result.run(), spec.model(), spec.data());
                AtomicFiles.writeString(dir.resolve("provenance.json"), json(provenance.of(experiment, spec, result)));
                Map<String, String> row = ResultsCsv.row(spec, result, configPath);
                AtomicFiles.write(dir.resolve(ROW), w -> ResultsCsv.write(w, ResultsCsv.COLUMNS, List.of(row)));
                executed++;
                rebuildResults(experiment, out);
                listener.runFinished(spec, row);
            }
        }
        int rows = rebuildResults(experiment, out);
        return new Summary(out, out.resolve(RESULTS), runs.size(), executed, skipped, failed, rows, busy, interrupted);
    }

    /**
     * Refuses {@code out} when it holds another experiment: by the name in its {@code results.csv}
     * rows or in the {@code spec.json} of any run started there (finished or not).
     */
    private static void refuseOtherExperiment(Experiment experiment, Path out) throws IOException {
        Path existing = out.resolve(RESULTS);
        if (Files.isRegularFile(existing)) {
            for (Map<String, String> row : ResultsCsv.read(existing).rows()) {
                String other = row.get("experiment");
                if (other != null && !other.equals(experiment.name())) {
                    throw otherExperiment(out, other, experiment);
                }
            }
        }
        try (var dirs = Files.list(out.resolve("runs"))) {
            for (Path dir : dirs.toList()) {
                Path spec = dir.resolve("spec.json");
                if (Files.isRegularFile(spec)) {
                    String other;
                    try {
                        other = JSON.readTree(spec.toFile()).path("experiment").asText(null);
                    } catch (IOException unreadable) {
                        other = null;
                    }
                    if (other != null && !other.equals(experiment.name())) {
                        throw otherExperiment(out, other, experiment);
                    }
                }
            }
        }
    }

    private static UserInputException otherExperiment(Path out, String other, Experiment experiment) {
        return new UserInputException(
                "--out " + out,
                "holds results of experiment '" + other + "', not '" + experiment.name() + "'; choose another --out");
    }

    /** True when {@code spec} has its row in {@code out}. */
    public static boolean isFinished(Path out, RunSpec spec) {
        return Files.isRegularFile(out.resolve("runs").resolve(spec.key()).resolve(ROW));
    }

    /**
     * Rewrites {@code OUT/results.csv} from the rows of every finished run of {@code experiment} in
     * {@code out}, in grid order; returns the number of rows.
     */
    public static int rebuildResults(Experiment experiment, Path out) throws IOException {
        // Under the folder's lock: two workers rebuilding at once could otherwise drop each other's rows.
        try (FolderLock _ = FolderLock.of(out)) {
            List<Map<String, String>> rows = new ArrayList<>();
            for (RunSpec spec : experiment.runs()) {
                Path row = out.resolve("runs").resolve(spec.key()).resolve(ROW);
                if (Files.isRegularFile(row)) {
                    rows.addAll(readRow(row).rows());
                }
            }
            AtomicFiles.write(out.resolve(RESULTS), w -> ResultsCsv.write(w, ResultsCsv.COLUMNS, rows));
            return rows.size();
        }
    }

    /** Reads a run's {@code row.csv}, refusing one written with other columns. */
    public static ResultsCsv.Table readRow(Path row) {
        ResultsCsv.Table t = ResultsCsv.read(row);
        if (!t.header().equals(ResultsCsv.COLUMNS)) {
            throw new UserInputException(
                    row.toString(),
                    "has columns " + t.header() + ", not this version's " + ResultsCsv.COLUMNS + "; use a new --out");
        }
        return t;
    }

    private static Map<String, Object> specJson(RunSpec s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_key", s.key());
        m.put("run_index", s.index());
        m.put("experiment", s.experiment());
        m.put("model_path", s.modelPath().toString());
        m.putAll(RunKeys.inputs(s));
        return m;
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
