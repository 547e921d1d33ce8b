package org.bitbudget.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.kernels.engine.IntegerEngine;
import org.bitbudget.kernels.engine.KernelPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bitbudget bench}: throughput of a model and the time of each of its steps. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measure images per second of a model on seeded random inputs (after a warm-up), and the "
                    + "time of each step of the engine's plan (each layer, for the integer engine) on one thread.",
            "Timings are for comparing configurations on one machine; for engine-against-engine ratios use "
                    + "the JMH benchmarks (README, Benchmarks)."
        })
final class BenchCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Mixin
    JsonOption json;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    QuantizeOptions quantize;

    @Option(
            names = "--config",
            paramLabel = "C.json",
            description = "Precision config: benchmark the fake-quantized model (calibrated on the train split)")
    Path config;

    @Option(
            names = "--engine",
            paramLabel = "E",
            defaultValue = "float",
            description = "float (the fake-quantized model with --config) or integer (the integer kernels; needs "
                    + "--config) (default: ${DEFAULT-VALUE})")
    String engineName;

    @Option(
            names = "--batch",
            paramLabel = "B",
            defaultValue = "256",
            description = "Images per call (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--threads", paramLabel = "T", description = "Threads (default: all cores)")
    Integer threads;

    @Option(
            names = "--seconds",
            paramLabel = "S",
            defaultValue = "3",
            description = "Measuring time after a warm-up of the same length (default: ${DEFAULT-VALUE})")
    double seconds;

    @Override
    public Integer call() {
        if (batch < 1) {
            throw new UserInputException("--batch", "must be at least 1, got " + batch);
        }
        Limits.threads(threads);
        if (!(seconds > 0) || seconds > 3600) {
            throw new UserInputException("--seconds", "must be between 0 and 3600, got " + seconds);
        }
        Graph graph = model.load(dataOptions, Split.TRAIN);
        if (graph.inputs().size() != 1) {
            throw new UserInputException(
                    model.model.toString(), "has " + graph.inputs().size() + " inputs; bench needs one");
        }
        Limits.batch("--batch", batch, graph.inputs().getFirst());
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
        Graph floatGraph = graph;
        QuantizedGraph quantized = null;
        if (config != null) {
            PrecisionConfig precision = quantize.load(config, graph);
            quantized = quantize.apply(precision, config, graph, model.model, dataOptions, Split.TRAIN);
            graph = quantized.graph();
        }
        Tensor input = randomInput(graph.inputs().getFirst());
        try {
            if (integer) {
                benchInteger(floatGraph, quantized, input);
            } else {
                benchFloat(graph, input);
            }
        } catch (UserInputException e) {
            throw e.within(model.model.toString());
        }
        return 0;
    }

    private void benchFloat(Graph graph, Tensor input) {
        FloatEngine.Builder builder = FloatEngine.builder(graph);
        if (threads != null) {
            builder.threads(threads);
        }
        FloatEngine engine = builder.build();
        measure(engine::predict, input, seconds);
        double imagesPerSecond = measure(engine::predict, input, seconds);
        List<Step> steps =
                FloatEngine.builder(graph)
                        .threads(1)
                        .build()
                        .profile(Map.of(graph.inputs().getFirst().name(), input), 5)
                        .stream()
                        .map(s -> new Step(s.node(), s.step(), s.milliseconds()))
                        .toList();
        report("float", engine.threads(), imagesPerSecond, steps);
    }

    private void benchInteger(Graph graph, QuantizedGraph quantized, Tensor input) {
        IntegerEngine engine;
        try {
            // Built once and run for seconds: worth timing each layer's exact kernels and keeping the fastest.
            IntegerEngine.Builder builder =
                    IntegerEngine.builder(graph, quantized).measure(true);
            if (threads != null) {
                builder.threads(threads);
            }
            engine = builder.build();
        } catch (IllegalArgumentException e) {
            throw new UserInputException(config + ": --engine integer", e.getMessage());
        }
        measure(engine::predict, input, seconds);
        double imagesPerSecond = measure(engine::predict, input, seconds);
        Map<String, KernelPath> kernels = engine.kernels();
        List<Step> steps = engine.profile(input, 5).stream()
                .map(t -> new Step(
                        t.layer(),
                        t.layer() + " ("
                                + kernels.get(t.layer())
                                        .name()
                                        .toLowerCase(Locale.ROOT)
                                        .replace('_', '-') + ")",
                        t.milliseconds()))
                .toList();
        report("integer", engine.threads(), imagesPerSecond, steps);
    }

    /** One row of the per-step table: the node or layer, what ran, and its time per call. */
    private record Step(String name, String step, double milliseconds) {}

    private Tensor randomInput(ValueInfo input) {
        Shape shape;
        try {
            shape = input.shapeForBatch(batch);
        } catch (IllegalStateException e) {
            throw new UserInputException(model.model + ": input " + input.name(), e.getMessage());
        }
        SplittableRandom random = new SplittableRandom(42);
        float[] v = new float[shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return Tensor.of(shape, v);
    }

    /** Images per second of repeated {@code predict} calls over about {@code seconds}. */
    private double measure(UnaryOperator<Tensor> engine, Tensor input, double seconds) {
        long budget = (long) (seconds * 1e9);
        long started = System.nanoTime();
        long images = 0;
        do {
            engine.apply(input);
            images += batch;
        } while (System.nanoTime() - started < budget);
        return images / ((System.nanoTime() - started) / 1e9);
    }

    private void report(String engineName, int engineThreads, double imagesPerSecond, List<Step> steps) {
        double total = steps.stream().mapToDouble(Step::milliseconds).sum();
        if (json.json) {
            List<Map<String, Object>> layers = new ArrayList<>();
            for (Step s : steps) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", s.name());
                row.put("step", s.step());
                row.put("ms", s.milliseconds());
                layers.add(row);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", model.model.toString());
            out.put("engine", engineName);
            out.put("batch", batch);
            out.put("threads", engineThreads);
            out.put("images_per_second", imagesPerSecond);
            out.put("layers", layers);
            out.put("layers_ms_total", total);
            System.out.println(JsonOption.toJson(out));
            return;
        }
        System.out.printf(
                Locale.ROOT,
                "%.0f images/s (%s engine, batch %d, %d threads)%n",
                imagesPerSecond,
                engineName,
                batch,
                engineThreads);
        System.out.printf(Locale.ROOT, "per step, one thread, batch %d:%n", batch);
        for (Step s : steps) {
            System.out.printf(
                    Locale.ROOT,
                    "  %-44s %9.3f ms %5.1f%%%n",
                    s.step(),
                    s.milliseconds(),
                    100 * s.milliseconds() / total);
        }
    }
}
