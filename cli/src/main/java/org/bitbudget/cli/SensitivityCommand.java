package org.bitbudget.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bitbudget.data.DataSets;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.data.metric.Metric;
import org.bitbudget.ir.UnknownNameException;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.sensitivity.Estimators;
import org.bitbudget.sensitivity.Leaderboard;
import org.bitbudget.sensitivity.MeasuredEstimator;
import org.bitbudget.sensitivity.ProgressListener;
import org.bitbudget.sensitivity.SensitivityEstimator;
import org.bitbudget.sensitivity.SensitivityProblem;
import org.bitbudget.sensitivity.SensitivityRow;
import org.bitbudget.sensitivity.SensitivityTable;
import org.bitbudget.sensitivity.Specs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bitbudget sensitivity}: the sensitivity table (layer × precision → damage score) of one or
 * every estimator, and with {@code all} the leaderboard of how well each predicts the damage
 * measured on the evaluation split.
 */
@Command(
        name = "sensitivity",
        mixinStandardHelpOptions = true,
        resourceBundle = RegistryHelp.BUNDLE,
        description = "Score how much damage each layer takes in each format, by one or every estimator; "
                + "with 'all', rank the estimators against the damage measured on the test split.")
final class SensitivityCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Mixin
    JsonOption json;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    MetricOption metricOption;

    @Option(
            names = "--estimator",
            paramLabel = "E",
            defaultValue = "all",
            description = {
                "An estimator, a comma-separated list of them, or all (default: ${DEFAULT-VALUE}):",
                "${bundle:estimators}"
            })
    String estimator;

    @Option(
            names = "--formats",
            paramLabel = "F,...",
            defaultValue = "int8,int4,int3,int2",
            description = "Candidate weight formats, each a format or format/granularity/clipping "
                    + "(default: ${DEFAULT-VALUE}, per-channel max)")
    String formats;

    @Option(
            names = "--activations",
            paramLabel = "F,...",
            defaultValue = "float",
            description = "Candidate activation formats of each layer's input; every weight format is paired "
                    + "with each (default: ${DEFAULT-VALUE}, weight-only)")
    String activations;

    @Option(
            names = "--calibration",
            paramLabel = "N",
            defaultValue = "512",
            description = "Calibration images: the first N of the calibration set (the train split, or "
                    + "--calibration-data) (default: ${DEFAULT-VALUE})")
    int calibration;

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "Evaluate the leaderboard's measured damage on the first N test images (default: all)")
    Integer limit;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "0",
            description = "Seed of the Hessian's probe vectors (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--hessian-samples",
            paramLabel = "N",
            defaultValue = "16",
            description = "Hutchinson probe vectors of the hessian estimator (default: ${DEFAULT-VALUE})")
    int hessianSamples;

    @Option(
            names = "--hessian-images",
            paramLabel = "N",
            defaultValue = "128",
            description = "Calibration images of the hessian estimator (default: ${DEFAULT-VALUE})")
    int hessianImages;

    @Option(names = "--threads", paramLabel = "T", description = "Threads (default: all cores)")
    Integer threads;

    @Writes
    @Option(
            names = "--out",
            paramLabel = "T.csv",
            description = "The table: layer,estimator,weights,activations,score,seconds,... (required unless --json)")
    Path out;

    @Writes
    @Option(
            names = "--leaderboard",
            paramLabel = "L.csv",
            description = "The leaderboard CSV (default: next to --out as <name>.leaderboard.csv); "
                    + "also computed for a single estimator when given")
    Path leaderboardOut;

    @Override
    public Integer call() throws IOException {
        List<String> estimators = estimators();
        List<Precision> candidates = candidates();
        if (calibration < 1) {
            throw new UserInputException("--calibration", "must be at least 1, got " + calibration);
        }
        if (limit != null && limit < 1) {
            throw new UserInputException("--limit", "must be at least 1, got " + limit);
        }
        Limits.threads(threads);
        if (hessianSamples < 1) {
            throw new UserInputException("--hessian-samples", "must be at least 1, got " + hessianSamples);
        }
        if (hessianImages < 1) {
            throw new UserInputException("--hessian-images", "must be at least 1, got " + hessianImages);
        }
        if (out == null && !json.json) {
            throw new UserInputException("--out", "missing (required unless --json)");
        }
        boolean all = estimator.strip().equals("all");
        boolean withLeaderboard = all || leaderboardOut != null;
        Path boardPath = leaderboardOut;
        if (boardPath == null && withLeaderboard && out != null) {
            String name = out.getFileName().toString();
            String stem = name.toLowerCase(Locale.ROOT).endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
            boardPath = out.resolveSibling(stem + ".leaderboard.csv");
        }
        if (out != null) {
            AtomicOutput.checkFolder("--out", out);
        }
        if (boardPath != null) {
            AtomicOutput.checkFolder("--leaderboard", boardPath);
        }

        long start = System.nanoTime();
        Graph graph = model.load(dataOptions, Split.TRAIN);
        Normalization norm = dataOptions.normalization(graph, model.model);
        DataSets sets = dataOptions.sets(Split.TEST, seed);
        DataSource train = sets.calibration();
        dataOptions.labelsFit(graph, model.model, sets);
        Metric metric = metricOption.resolve(sets.evaluation());
        int n = Math.min(calibration, train.size());
        SensitivityProblem.Builder builder = SensitivityProblem.builder(graph)
                .calibration(train.batch(0, n, norm), Arrays.copyOf(train.labels(), n))
                .precisions(candidates)
                .seed(seed)
                .hessianSamples(hessianSamples)
                .hessianImages(hessianImages)
                .metric(metric);
        if (threads != null) {
            builder.threads(threads);
        }
        SensitivityProblem problem = builder.build();
        DataSource test = null;
        if (withLeaderboard) {
            test = sets.evaluation();
            if (limit != null) {
                test = test.limit(limit);
            }
        }
        long cells = (long) problem.cells() * (estimators.size() + (withLeaderboard ? 1 : 0));
        List<SensitivityTable> tables = new ArrayList<>();
        Map<String, Double> estimatorSeconds = new LinkedHashMap<>();
        SensitivityTable truth = null;
        double evaluationSeconds = 0;
        Interrupts interrupts = Interrupts.install("stopping; no table will be written");
        try (Progress progress = Progress.start("sensitivity", cells, "cells")) {
            ProgressListener listener = new ProgressListener() {
                @Override
                public void scored(String e, String layer, Precision p) {
                    synchronized (progress) {
                        progress.message(e + " " + layer);
                        progress.stepBy(1);
                    }
                    interrupts.check();
                }

                @Override
                public void checkpoint() {
                    interrupts.check();
                }
            };
            for (String name : estimators) {
                SensitivityEstimator e = Estimators.of(name);
                long t0 = System.nanoTime();
                tables.add(run(e, problem, listener));
                estimatorSeconds.put(name, (System.nanoTime() - t0) / 1e9);
            }
            if (withLeaderboard) {
                long t0 = System.nanoTime();
                truth = run(
                        new MeasuredEstimator(),
                        problem.withData(test.batch(0, test.size(), norm), test.labels()),
                        listener);
                evaluationSeconds = (System.nanoTime() - t0) / 1e9;
            }
        } catch (Interrupts.Stopped stopped) {
            System.err.println("bitbudget: interrupted: no sensitivity table written");
            return interrupts.exitCode();
        }
        SensitivityTable table = SensitivityTable.concat(tables);
        Leaderboard board = truth == null ? null : Leaderboard.of(table, truth);
        if (out != null) {
            AtomicOutput.writeText("--out", out, table::write);
        }
        if (board != null && boardPath != null) {
            AtomicOutput.writeText("--leaderboard", boardPath, board::write);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (json.json) {
            System.out.println(JsonOption.toJson(result(
                    graph,
                    problem,
                    test,
                    table,
                    board,
                    truth,
                    estimatorSeconds,
                    evaluationSeconds,
                    seconds,
                    boardPath)));
        } else {
            printText(table, board, estimatorSeconds, evaluationSeconds, test, boardPath, metric.name(), sets.origin());
        }
        return 0;
    }

    private SensitivityTable run(SensitivityEstimator e, SensitivityProblem problem, ProgressListener listener) {
        try {
            return e.estimate(problem, listener);
        } catch (UserInputException ex) {
            throw ex.within(model.model.toString());
        }
    }

    private List<String> estimators() {
        String text = estimator.strip();
        if (text.equals("all")) {
            return Estimators.NAMES;
        }
        List<String> names = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String name;
            try {
                name = Estimators.REGISTRY.get(part).name();
            } catch (UnknownNameException e) {
                List<String> known = new ArrayList<>(e.known());
                known.add("all");
                throw new UserInputException(
                        "--estimator", UnknownNameException.reason(e.name().strip(), known));
            }
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    private List<Precision> candidates() {
        List<QuantizerSpec> weights = specs("--formats", formats, true);
        List<QuantizerSpec> inputs = specs("--activations", activations, false);
        List<Precision> out = new ArrayList<>();
        for (QuantizerSpec w : weights) {
            for (QuantizerSpec a : inputs) {
                Precision p = new Precision(w, a, 32);
                if (!out.contains(p)) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    private static List<QuantizerSpec> specs(String option, String text, boolean weights) {
        List<QuantizerSpec> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            try {
                out.add(Specs.parse(part, weights));
            } catch (IllegalArgumentException e) {
                throw new UserInputException(
                        option, e.getMessage() == null ? "'" + part + "' is not a format" : e.getMessage());
            }
        }
        return out;
    }

    private static Object number(double v) {
        return Double.isFinite(v) ? v : null;
    }

    static Map<String, Object> row(SensitivityRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layer", r.layer());
        m.put("estimator", r.estimator());
        m.put("weights", r.weights());
        m.put("activations", r.activations());
        m.put("score", number(r.score()));
        m.put("seconds", r.seconds());
        if (!Double.isNaN(r.standardError())) {
            m.put("standard_error", number(r.standardError()));
        }
        if (!Double.isNaN(r.accuracy())) {
            m.put("accuracy", r.accuracy());
            m.put("accuracy_drop", r.accuracyDrop());
        }
        m.put("accumulator", r.precision().accumulatorBits());
        return m;
    }

    private Map<String, Object> result(
            Graph graph,
            SensitivityProblem problem,
            DataSource test,
            SensitivityTable table,
            Leaderboard board,
            SensitivityTable truth,
            Map<String, Double> estimatorSeconds,
            double evaluationSeconds,
            double seconds,
            Path boardPath) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model.model.toString());
        m.put("data", dataOptions.data);
        m.put("layers", graph.layers().size());
        m.put("calibration", problem.size());
        m.put("metric", problem.metric().name());
        m.put("table", table.rows().stream().map(SensitivityCommand::row).toList());
        if (board != null) {
            m.put("evaluation", Map.of("split", "test", "samples", test.size()));
            m.put(
                    "leaderboard",
                    board.entries().stream()
                            .map(e -> {
                                Map<String, Object> x = new LinkedHashMap<>();
                                x.put("estimator", e.estimator());
                                x.put("format", e.format());
                                x.put("kendall_tau", number(e.kendallTau()));
                                x.put("spearman_rho", number(e.spearmanRho()));
                                x.put("layers", e.layers());
                                return x;
                            })
                            .toList());
            m.put(
                    "evaluation_table",
                    truth.rows().stream().map(SensitivityCommand::row).toList());
            m.put("evaluation_seconds", evaluationSeconds);
        }
        m.put("estimator_seconds", estimatorSeconds);
        if (out != null) {
            m.put("out", out.toString());
        }
        if (boardPath != null && board != null) {
            m.put("leaderboard_out", boardPath.toString());
        }
        m.put("seconds", seconds);
        return m;
    }

    private void printText(
            SensitivityTable table,
            Leaderboard board,
            Map<String, Double> estimatorSeconds,
            double evaluationSeconds,
            DataSource test,
            Path boardPath,
            String metric,
            String origin) {
        System.out.printf(
                Locale.ROOT,
                "%d rows (%d layers x %d precisions x %d estimators) -> %s%n",
                table.rows().size(),
                table.layers().size(),
                table.precisions().size(),
                table.estimators().size(),
                out);
        estimatorSeconds.forEach((name, s) -> System.out.printf(Locale.ROOT, "%-13s %8.2f s%n", name, s));
        System.out.println("measured damage by metric " + metric + "; " + origin);
        if (board != null) {
            System.out.printf(
                    Locale.ROOT,
                    "leaderboard against measured accuracy drop on %d test images " + "(%.2f s)%s%n",
                    test.size(),
                    evaluationSeconds,
                    boardPath == null ? "" : " -> " + boardPath);
            System.out.printf(Locale.ROOT, "%-13s %-16s %8s %8s%n", "estimator", "format", "tau", "rho");
            for (Leaderboard.Entry e : board.entries()) {
                System.out.printf(
                        Locale.ROOT,
                        "%-13s %-16s %8s %8s%n",
                        e.estimator(),
                        e.format(),
                        fmt(e.kendallTau()),
                        fmt(e.spearmanRho()));
            }
        }
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }
}
