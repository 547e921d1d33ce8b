package org.bitbudget.cli;

import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.bitbudget.data.Classification;
import org.bitbudget.data.DataSets;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.data.metric.Metric;
import org.bitbudget.data.metric.Top1Metric;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.kernels.engine.IntegerEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bitbudget eval}: top-1 accuracy and throughput of a model on a data split. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        resourceBundle = RegistryHelp.BUNDLE,
        description = "Run a model on a data split and report top-1 accuracy and images per second.")
final class EvalCommand implements Callable<Integer> {
    /** Images per engine call: large enough to keep both cores busy, small enough for a lively progress bar. */
    private static final int BATCH = 1000;

    @Mixin
    ModelOption model;

    @Mixin
    JsonOption json;

    @Option(
            names = "--split",
            paramLabel = "test|train",
            defaultValue = "test",
            description = "Which split to evaluate (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate only the first N images")
    Integer limit;

    @Option(names = "--threads", paramLabel = "T", description = "Threads (default: all cores)")
    Integer threads;

    @Option(
            names = "--engine",
            paramLabel = "float|integer",
            defaultValue = "float",
            description = "float (fake quantization in float32) or integer (integer kernels between layers; "
                    + "needs --config with integer weights and activations) (default: ${DEFAULT-VALUE})")
    String engineName;

    @Option(
            names = "--config",
            paramLabel = "C.json",
            description = "Precision config (JSON or YAML): evaluate the fake-quantized model, calibrated on the "
                    + "other split")
    Path config;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    MetricOption metricOption;

    @Mixin
    QuantizeOptions quantize;

    @Mixin
    TargetOption target;

    @Writes
    @Option(
            names = "--logits",
            paramLabel = "F.csv",
            description = "Write index,label,prediction,logit_0..logit_{C-1} for every sample")
    Path logits;

    @Override
    public Integer call() throws IOException {
        Split whichSplit = switch (split.toLowerCase(Locale.ROOT)) {
            case "test" -> Split.TEST;
            case "train" -> Split.TRAIN;
            default -> throw new UserInputException("--split", "'" + split + "' is not test or train");
        };
        if (limit != null && limit < 1) {
            throw new UserInputException("--limit", "must be at least 1, got " + limit);
        }
        Limits.threads(threads);
        if (logits != null) {
            AtomicOutput.checkFolder("--logits", logits);
        }
        Graph graph = model.load(dataOptions, whichSplit);
        if (config != null && graph.inputs().size() > 1) {
            throw new UserInputException(
                    "--config",
                    model.model + " has " + graph.inputs().size()
                            + " inputs; calibration feeds one (eval without --config runs it)");
        }
        Normalization norm = dataOptions.normalization(graph, model.model);
        // With a config, calibration and evaluation are disjoint sets: the other split, or a seeded split.
        DataSets sets = config == null ? null : dataOptions.sets(whichSplit, quantize.seed);
        DataSource dataset = sets == null ? dataOptions.open(whichSplit) : sets.evaluation();
        if (limit != null) {
            dataset = dataset.limit(limit);
        }
        ModelInputs inputs =
                ModelInputs.match(graph, dataset, dataOptions.readOptions().inputKeys(), model.model.toString());
        Metric metric = metricOption.resolve(dataset);
        ClassCheck.labelsFit(graph, model.model.toString(), dataset, dataOptions.data);
        dataOptions.warnIfUnnormalised(
                graph,
                model.model,
                dataset,
                norm,
                threads != null ? threads : Runtime.getRuntime().availableProcessors());
        boolean integer = switch (engineName) {
            case "float" -> false;
            case "integer" -> true;
            default -> throw new UserInputException("--engine", "'" + engineName + "' is not float or integer");
        };
        if (integer && config == null) {
            throw new UserInputException(
                    "--engine integer",
                    "needs --config (a precision with integer weights and " + "activations for every layer)");
        }
        QuantizedGraph quantized = null;
        String ranges = null;
        List<String> targetNotes = List.of();
        List<String> targetChanges = List.of();
        if (config != null) {
            var configured = quantize.load(config, graph);
            var adjusted = target.adjust(configured, graph);
            targetNotes = target.notes(adjusted, configured, graph);
            targetChanges = adjusted.changes().stream()
                    .map(org.bitbudget.ir.precision.RuntimeTarget.Change::describe)
                    .toList();
            var precision = adjusted.config();
            boolean calibrates = FakeQuantization.needsCalibration(graph, precision);
            quantized = quantize.apply(precision, config, graph, model.model, dataOptions, sets::calibration);
            ranges = quantized.encodings().isEmpty() ? "none" : calibrates ? "calibrated" : "config";
        }
        FloatEngine.Builder builder = FloatEngine.builder(quantized == null ? graph : quantized.graph());
        if (threads != null) {
            builder.threads(threads);
        }
        FloatEngine floatEngine = builder.build();
        FloatEngine.Builder referenceBuilder = FloatEngine.builder(graph);
        if (threads != null) {
            referenceBuilder.threads(threads);
        }
        // Label-free metrics compare with the float model; without a config that is the model itself.
        FloatEngine reference = quantized != null && !metric.needsLabels() ? referenceBuilder.build() : null;
        Function<List<Tensor>, Tensor> engine = floatEngine::predict;
        if (integer) {
            try {
                IntegerEngine.Builder integerBuilder = IntegerEngine.builder(graph, quantized);
                if (threads != null) {
                    integerBuilder.threads(threads);
                }
                IntegerEngine integerEngine = integerBuilder.build();
                engine = batches -> integerEngine.predict(batches.getFirst());
            } catch (IllegalArgumentException e) {
                throw new UserInputException(config + ": --engine integer", e.getMessage());
            }
        }

        int n = dataset.size();
        int[] labels = dataset.labelled() ? dataset.labels() : null;
        int classes = -1;
        float[] allLogits = null;
        float[] referenceLogits = null;
        int correct = 0;
        int[] predictions = new int[n];
        long nanos = 0;
        try (Progress progress = Progress.start("eval", n, "img")) {
            for (int from = 0; from < n; from += BATCH) {
                int count = Math.min(BATCH, n - from);
                List<Tensor> images = inputs.batch(from, count, norm);
                long t0 = System.nanoTime();
                Tensor out;
                try {
                    out = engine.apply(images);
                } catch (UserInputException e) {
                    throw e.within(model.model.toString());
                }
                nanos += System.nanoTime() - t0;
                if (out.shape().rank() != 2 || out.shape().dim(0) != count) {
                    throw new UserInputException(
                            model.model.toString(),
                            "output has shape " + out.shape() + "; eval needs logits of shape [N, classes]");
                }
                if (classes < 0) {
                    classes = out.shape().dim(1);
                    allLogits = new float[n * classes];
                    referenceLogits = reference != null ? new float[n * classes] : allLogits;
                }
                int[] batchPredictions = Classification.predictions(out);
                System.arraycopy(batchPredictions, 0, predictions, from, count);
                if (labels != null) {
                    correct += Classification.correct(batchPredictions, labels, from);
                }
                System.arraycopy(out.data(), 0, allLogits, from * classes, out.data().length);
                if (reference != null) {
                    float[] r = reference.predict(images).data();
                    System.arraycopy(r, 0, referenceLogits, from * classes, r.length);
                }
                progress.stepBy(count);
            }
        }
        if (logits != null) {
            writeLogits(logits, labels, predictions, allLogits, classes);
        }
        double accuracy = labels == null ? Double.NaN : n == 0 ? 0 : (double) correct / n;
        double score = n == 0
                ? Double.NaN
                : metric.score(
                        Tensor.of(Shape.of(n, classes), allLogits),
                        Tensor.of(Shape.of(n, classes), referenceLogits),
                        labels);
        double seconds = nanos / 1e9;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("model", model.model.toString());
        result.put("data", dataset.name());
        result.put("normalize", DataOptions.json(norm));
        result.put("accuracy", Double.isNaN(accuracy) ? null : accuracy);
        result.put("metric", metric.name());
        result.put("score", Double.isNaN(score) ? null : score);
        if (sets != null) {
            result.put("data_sets", sets.origin());
        }
        result.put("correct", correct);
        result.put("samples", n);
        result.put("images_per_second", seconds > 0 ? n / seconds : 0);
        result.put("seconds", seconds);
        result.put("engine", engineName);
        if (config != null) {
            result.put("config", config.toString());
            result.put("activation_ranges", ranges);
            result.put("target", target.target().label());
            result.put("target_changes", targetChanges);
        }
        result.put("threads", integer ? Runtime.getRuntime().availableProcessors() : floatEngine.threads());
        if (logits != null) {
            result.put("logits", logits.toString());
        }
        if (json.json) {
            System.out.println(JsonOption.toJson(result));
        } else {
            targetNotes.forEach(System.out::println);
            if (sets != null) {
                System.out.println(
                        "config".equals(ranges)
                                ? "activation ranges from " + config + " (not calibrated again)"
                                : sets.origin());
            }
            if (!metric.name().equals(Top1Metric.NAME)) {
                System.out.printf(Locale.ROOT, "%s %.6g on %s%n", metric.name(), score, dataset.name());
            }
            if (labels == null) {
                System.out.printf(
                        Locale.ROOT,
                        "%d samples of %s (no labels), %.0f images/s (%s engine)%n",
                        n,
                        dataset.name(),
                        n / Math.max(seconds, 1e-9),
                        engineName);
                return 0;
            }
            System.out.printf(
                    Locale.ROOT,
                    "accuracy %.4f (%d of %d) on %s, %.0f images/s (%s engine)%n",
                    accuracy,
                    correct,
                    n,
                    dataset.name(),
                    n / Math.max(seconds, 1e-9),
                    engineName);
        }
        return 0;
    }

    /** Writes the logits CSV atomically, so a failed run leaves no file. */
    private static void writeLogits(Path target, int[] labels, int[] predictions, float[] logits, int classes)
            throws IOException {
        CsvSchema.Builder schema =
                CsvSchema.builder().addColumn("index").addColumn("label").addColumn("prediction");
        for (int c = 0; c < classes; c++) {
            schema.addColumn("logit_" + c);
        }
        AtomicOutput.writeText("--logits", target, w -> {
            try (var out = new CsvMapper().writer(schema.build().withHeader()).writeValues(w)) {
                for (int i = 0; i < predictions.length; i++) {
                    List<Object> row = new ArrayList<>(classes + 3);
                    row.add(i);
                    row.add(labels == null ? "" : labels[i]);
                    row.add(predictions[i]);
                    for (int c = 0; c < classes; c++) {
                        row.add(logits[i * classes + c]);
                    }
                    out.write(row);
                }
            }
        });
    }
}
