package org.bitbudget.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bitbudget.data.DataSets;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.experiments.report.ResultFiles;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.pipeline.CandidatesPhase;
import org.bitbudget.pipeline.EvaluationPhase;
import org.bitbudget.pipeline.MeasuredPoint;
import org.bitbudget.pipeline.Outcome;
import org.bitbudget.pipeline.RunProgress;
import org.bitbudget.pipeline.SearchData;
import org.bitbudget.pipeline.SearchPipeline;
import org.bitbudget.pipeline.SettingException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bitbudget search}: the per-layer precision config that keeps the most accuracy under the budgets. */
@Command(
        name = "search",
        mixinStandardHelpOptions = true,
        resourceBundle = RegistryHelp.BUNDLE,
        description = {
            "Find a precision per layer that keeps the most accuracy under every budget: score each "
                    + "layer x candidate precision with a sensitivity estimator, cost it, search (ILP, genetic, "
                    + "NSGA-II or a baseline), then measure the chosen config on the test split (integer engine "
                    + "where it runs the config) and sweep the Pareto front of the first budget's cost.",
            "With no options it searches the bundled default model on Fashion-MNIST under "
                    + SearchCommand.DEFAULT_BUDGET + ". Ctrl-C (or --time) stops the search and keeps the "
                    + "best config found so far; a second Ctrl-C quits.",
            "Writes DIR/config.json, DIR/pareto.csv, DIR/pareto.svg and, last, DIR/result.json."
        })
final class SearchCommand implements Callable<Integer> {
    /** The budget when none is given: an average of about 3 bits per weight. */
    static final String DEFAULT_BUDGET = "size <= 0.4*int8";

    @Mixin
    ModelOption model;

    @Mixin
    JsonOption json;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    MetricOption metric;

    @Option(
            names = "--budget",
            paramLabel = "EXPR",
            description = "A budget, e.g. 'size <= 0.4*int8', 'size <= 24KiB', 'bops <= 0.25*int8', "
                    + "'latency <= 1.5ms', 'energy <= 20uJ', 'accumulator <= 16'; repeat for several (all must "
                    + "hold) (default: " + DEFAULT_BUDGET + ")")
    List<String> budgets = new ArrayList<>();

    @Option(
            names = "--strategy",
            paramLabel = "S",
            defaultValue = "ilp",
            description = {"The search strategy (default: ${DEFAULT-VALUE}):", "${bundle:strategies}"})
    String strategy;

    @Option(
            names = "--estimator",
            paramLabel = "E",
            defaultValue = "measured",
            description = {"The sensitivity estimator (default: ${DEFAULT-VALUE}):", "${bundle:estimators}"})
    String estimator;

    @Option(
            names = "--formats",
            paramLabel = "F,...",
            split = ",",
            defaultValue = "int8,int4,int3,int2",
            description = "Candidate weight formats (default: ${DEFAULT-VALUE})")
    List<String> formats;

    @Option(
            names = "--activations",
            paramLabel = "F,...",
            split = ",",
            defaultValue = "float",
            description = "Candidate activation formats; float = weight-only (default: ${DEFAULT-VALUE})")
    List<String> activations;

    @Option(
            names = "--accumulators",
            paramLabel = "BITS,...",
            split = ",",
            description = "Candidate accumulator widths (default: 32, plus N for each 'accumulator <= N' budget)")
    List<Integer> accumulators;

    @Option(
            names = "--clipping",
            paramLabel = "R,...",
            split = ",",
            description = "Weight clipping rules, each a candidate of every format: max, mse, percentile(P) or "
                    + "auto (per layer, the rule with the least output error on the calibration images) "
                    + "(default: each format's own, max)")
    List<String> clipping = List.of();

    @Option(
            names = "--bias-correction",
            paramLabel = "MODE",
            defaultValue = "off",
            description = "Bias correction of the weight candidates, measured on the calibration images: off, on, "
                    + "or candidate (each with and without) (default: ${DEFAULT-VALUE})")
    String biasCorrection;

    @Option(
            names = "--time",
            paramLabel = "T",
            description = "Bound the whole run by T (e.g. 30s, 2m, 500ms): the search and the Pareto sweep stop "
                    + "there and the best config found so far is kept")
    String time;

    @Option(
            names = {"-v", "--verbose"},
            description = "Log each phase as it starts, with the seconds since the start, on stderr (for logs "
                    + "and batch systems, where no progress bar shows)")
    boolean verbose;

    @Option(
            names = "--fitness",
            paramLabel = "F",
            description = "What ga and nsga2 maximise: predicted (minus the summed damage; default) or measured "
                    + "(the metric's score on the calibration images)")
    String fitness;

    @Option(
            names = "--coupling",
            paramLabel = "C",
            description = "What the layers of a coupling group (residual Add/Concat inputs, layers reading one "
                    + "input; see inspect) share: activations (default), all (weight formats too) or none")
    String coupling;

    @Option(
            names = "--max-drop",
            paramLabel = "D",
            description = "An accuracy target instead of the most accuracy: the cheapest config (on the first "
                    + "budget's cost, else size) within D of float on the calibration images, e.g. 0.5pp, by "
                    + "the metric (top1, top5 or agreement); checked on the evaluation set")
    String maxDrop;

    @Writes(inside = {"config.json", "pareto.csv", "pareto.svg", "result.json"})
    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "search-out",
            description = "Output folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--threads", paramLabel = "T", description = "Threads (default: all cores)")
    Integer threads;

    @Option(
            names = "--calibration",
            paramLabel = "N",
            defaultValue = "512",
            description = "Calibration images, the first N of the calibration set (the train split, or "
                    + "--calibration-data) (default: ${DEFAULT-VALUE})")
    int calibration;

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "Evaluate on the first N images of the evaluation set only (default: all of it)")
    Integer limit;

    @Option(
            names = "--pareto",
            paramLabel = "N",
            defaultValue = "20",
            description = "Points of the Pareto sweep; 0 skips it (default: ${DEFAULT-VALUE})")
    int paretoPoints;

    @Option(names = "--pin-ends", description = "Keep the first and last layer at the most precise candidate")
    boolean pinEnds;

    @Option(
            names = "--latency",
            description = "Also measure per-layer latency on this machine's kernels "
                    + "(cached; automatic when a budget names latency)")
    boolean latency;

    @Mixin
    TargetOption target;

    @Option(
            names = "--ignore",
            paramLabel = "PATTERN",
            description = "Keep these layers float and out of the search (repeatable): a layer name, op:TYPE, "
                    + "re:REGEX or a glob such as '/stage3/*'; the budgets count them at float")
    List<String> ignore = new java.util.ArrayList<>();

    @Override
    public Integer call() throws IOException {
        long started = System.nanoTime();
        Limits.threads(threads);
        Graph graph = model.load(dataOptions, Split.TRAIN);
        Normalization norm = dataOptions.normalization(graph, model.model);
        DataSets sets = dataOptions.sets(Split.TEST, seed);
        dataOptions.labelsFit(graph, model.model, sets);
        dataOptions.warnIfUnnormalised(
                graph,
                model.model,
                sets.evaluation(),
                norm,
                threads != null ? threads : Runtime.getRuntime().availableProcessors());
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UserInputException("--out " + out, "is a file; give a folder");
        }
        // A previous run's files must not look like this run's if it fails.
        for (String name : ResultFiles.NAMES) {
            Files.deleteIfExists(out.resolve(name));
        }
        Interrupts interrupts = Interrupts.install("stopping the search; the best config found so far will be written");
        AtomicBoolean cancel = interrupts.flag();
        List<String> given = budgets.isEmpty() && maxDrop == null ? List.of(DEFAULT_BUDGET) : budgets;
        List<String> weightCandidates = CandidatesPhase.weightCandidates(formats, clipping, biasCorrection);
        SearchPipeline.Builder builder = SearchPipeline.builder(graph, SearchData.of(sets, norm))
                .modelName(model.model.toString())
                .weightFormats(weightCandidates)
                .activationFormats(activations)
                .estimator(estimator)
                .strategy(strategy)
                .seed(seed)
                .cancel(cancel)
                .calibration(calibration)
                .paretoPoints(paretoPoints)
                .pinFirstAndLast(pinEnds)
                .measureLatency(latency)
                .target(target.target())
                .ignore(ignore);
        given.forEach(builder::budget);
        if (accumulators != null) {
            builder.accumulators(accumulators);
        }
        if (fitness != null) {
            builder.fitness(fitness);
        }
        if (coupling != null) {
            builder.coupling(coupling);
        }
        if (maxDrop != null) {
            builder.maxDrop(maxDrop);
        }
        builder.metric(metric.resolve(sets.evaluation()).name());
        if (threads != null) {
            builder.threads(threads);
        }
        if (limit != null) {
            if (limit < 1) {
                throw new UserInputException("--limit", "must be at least 1, got " + limit);
            }
            builder.evaluationLimit(limit);
        }
        if (time != null) {
            builder.timeLimit(parseDuration(time));
        }
        int layers = graph.layers().size();
        int candidates =
                weightCandidates.size() * activations.size() * (accumulators == null ? 1 : accumulators.size());
        SearchPipeline.Result result;
        try (Progress bar = Progress.start(
                "search", (long) layers * candidates + Math.max(0, paretoPoints) + candidates, "steps")) {
            builder.progress(new RunProgress() {
                @Override
                public void phase(String name, int index, int count) {
                    bar.message(name);
                    if (verbose) {
                        System.err.printf(
                                Locale.ROOT,
                                "bitbudget: search: %.1f s: %s (%d/%d)%n",
                                (System.nanoTime() - started) / 1e9,
                                name,
                                index + 1,
                                count);
                    }
                }

                @Override
                public void step() {
                    bar.stepBy(1);
                }
            });
            // Setting errors name the setting (the command line names its flag); other errors found
            // while running concern the model.
            SearchPipeline run = builder.build();
            run.targetNotes().forEach(note -> System.err.println("bitbudget: " + note));
            try {
                result = run.run();
                bar.finish();
            } catch (UserInputException e) {
                throw e instanceof SettingException
                                || e.source().startsWith("--")
                                || e.source().startsWith("budget")
                        ? e
                        : e.within(model.model.toString());
            }
        }
        write(result);
        if (interrupts.received()) {
            System.err.println("bitbudget: interrupted: the config found so far is in " + out
                    + (Double.isNaN(result.score()) ? " (not evaluated)" : ""));
        }
        return interrupts.exitCode();
    }

    /** A drop in percentage points for a metric scoring a share of samples, else in the metric's unit. */
    private static String drop(Outcome o, double drop) {
        return o.metric().share()
                ? String.format(Locale.ROOT, "%.2f pp", 100 * drop)
                : String.format(Locale.ROOT, "%.6g", drop);
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new UserInputException("--time", "'" + text + "' is not a duration such as 30s, 2m, 500ms or 1h");
        }
        double value = Double.parseDouble(m.group(1));
        double millis = switch (m.group(2)) {
            case "ms" -> value;
            case "s" -> value * 1e3;
            case "m" -> value * 60e3;
            default -> value * 3600e3;
        };
        if (!(millis >= 1)) {
            throw new UserInputException("--time", "'" + text + "' is shorter than a millisecond");
        }
        return Duration.ofMillis(Math.round(millis));
    }

    private void write(SearchPipeline.Result result) throws IOException {
        String text = ResultFiles.write(out, result, model.model.toString(), dataOptions.data);
        Outcome o = result.outcome();
        if (o.replaced() && o.target() == null) {
            System.err.printf(
                    Locale.ROOT,
                    "bitbudget: %s's pick scored %.4f on the calibration images; %s, which meets every budget, "
                            + "scored %.4f: returning it%n",
                    result.strategy(),
                    o.strategyScore(),
                    o.replacedBy(),
                    o.score());
        } else if (o.replaced()) {
            System.err.printf(
                    Locale.ROOT,
                    "bitbudget: for %s the run returns a config from the %s (calibration score %.4f) instead of "
                            + "the search's pick (%.4f)%n",
                    o.target().text(),
                    o.replacedBy(),
                    o.score(),
                    o.strategyScore());
        }
        if (this.json.json) {
            System.out.println(text);
            return;
        }
        System.out.printf(
                Locale.ROOT,
                "%s on %s, budgets %s, estimator %s%n",
                result.strategy(),
                model.model,
                result.budgets().isEmpty() ? "none" : String.join(" and ", result.budgets()),
                result.estimator());
        System.out.println(result.data());
        if (result.engine().equals(EvaluationPhase.NOT_EVALUATED)) {
            System.out.printf(
                    Locale.ROOT,
                    "not evaluated (interrupted), size %s (%.3f bits/weight), BOPs %.4g (stopped early: best found so far)%n",
                    bytes(result.costs().get("size")),
                    result.costs().get("bpw"),
                    result.costs().get("bops"));
        } else {
            System.out.printf(
                    Locale.ROOT,
                    "%s %.6g, %s (%s engine), size %s (%.3f bits/weight), BOPs %.4g%s%n",
                    result.metric(),
                    result.score(),
                    accuracy(result.accuracy()),
                    result.engine(),
                    bytes(result.costs().get("size")),
                    result.costs().get("bpw"),
                    result.costs().get("bops"),
                    result.stoppedEarly() ? " (stopped early: best found so far)" : "");
        }
        System.out.printf(
                Locale.ROOT,
                "float %s %.6g (%s), drop %s; calibration %s %.6g (float %.6g)%n",
                result.metric(),
                o.floatEvaluationScore(),
                accuracy(o.floatAccuracy()),
                drop(o, result.drop()),
                result.metric(),
                o.score(),
                o.floatScore());
        if (o.searchMeasured() > 0) {
            System.out.printf(
                    Locale.ROOT, "the search measured %d configs on the calibration images%n", o.searchMeasured());
        }
        if (o.bestUniform() != null) {
            System.out.printf(
                    Locale.ROOT,
                    "best feasible uniform config: %s, %s %.6g, %s, calibration score %.6g, size %s%n",
                    o.bestUniform().uniform(),
                    result.metric(),
                    o.bestUniform().score(),
                    accuracy(o.bestUniform().accuracy()),
                    o.bestUniform().calibrationScore(),
                    bytes(o.bestUniform().costs().get("size")));
        } else {
            System.out.println("best feasible uniform config: none (no measured uniform config meets every budget)");
        }
        if (o.target() != null) {
            System.out.printf(
                    Locale.ROOT,
                    "%s: drop %.2f pp on the calibration images (%s), %.2f pp on the evaluation set (%s)%n",
                    o.target().text(),
                    100 * o.calibrationDrop(),
                    o.target().met(o.score(), o.floatScore()) ? "met" : "missed",
                    100 * result.drop(),
                    result.targetMetOnEvaluation() ? "met" : "missed");
        }
        System.out.println("config:");
        result.config()
                .layers()
                .forEach((layer, p) -> System.out.printf(Locale.ROOT, "  %-24s %s%n", layer, p.label()));
        System.out.println("uniform configs:");
        for (MeasuredPoint u : result.uniform()) {
            System.out.printf(
                    Locale.ROOT,
                    "  %-24s %s %.6g, %s, calibration %.6g, size %s%s%n",
                    u.uniform(),
                    result.metric(),
                    u.score(),
                    accuracy(u.accuracy()),
                    u.calibrationScore(),
                    bytes(u.costs().get("size")),
                    u.feasible() ? "" : " (over budget)");
        }
        System.out.printf(
                Locale.ROOT,
                "times: sensitivity %.1f s, search %.2f s, evaluation %.1f s, total %.1f s%n",
                result.timings().sensitivity(),
                result.timings().search(),
                result.timings().evaluation(),
                result.timings().total());
        System.out.println("wrote " + out.resolve("config.json") + ", pareto.csv, pareto.svg, result.json");
    }

    private static String bytes(Double bits) {
        if (bits == null) {
            return "-";
        }
        double b = bits / 8;
        return b >= 1024 ? String.format(Locale.ROOT, "%.1f KiB", b / 1024) : String.format(Locale.ROOT, "%.0f B", b);
    }

    /** Top-1 accuracy for the text output; data without labels have none. */
    private static String accuracy(double accuracy) {
        return Double.isNaN(accuracy)
                ? "no accuracy (no labels)"
                : String.format(Locale.ROOT, "accuracy %.4f", accuracy);
    }
}
